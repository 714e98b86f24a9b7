using System.Text;

namespace ProcurementFlows.Engine.Tests.Execution;

/// <summary>Randomised (fixed seeds) checks of the inclusive join: it waits exactly for the tokens that can still arrive.</summary>
public class InclusiveJoinPropertyTests
{
    private static (string Body, int Branches, bool[] Active, int[] Lengths) RandomDiagram(Random random)
    {
        var branches = random.Next(1, 6);
        var active = new bool[branches];
        var lengths = new int[branches];
        var sb = new StringBuilder("<startEvent id=\"s\"/><inclusiveGateway id=\"split\" default=\"split_b0_t0\"/><inclusiveGateway id=\"join\"/><task id=\"after\"/><endEvent id=\"e\"/>");
        sb.Append(Bpmn.Flow("s", "split")).Append(Bpmn.Chain("join", "after", "e"));
        for (var b = 0; b < branches; b++)
        {
            active[b] = random.Next(3) > 0;
            lengths[b] = random.Next(0, 4);
            var previous = "split";
            for (var i = 0; i < Math.Max(lengths[b], 1); i++)
            {
                var id = $"b{b}_t{i}";
                sb.Append(lengths[b] == 0 ? $"<task id=\"{id}\"/>" : $"<userTask id=\"{id}\"/>");
                var flowId = $"{previous}_{id}";
                sb.Append(previous == "split"
                    ? b == 0 ? Bpmn.Flow(previous, id, id: flowId) : Bpmn.Flow(previous, id, active[b] ? "${true}" : "${false}", flowId)
                    : Bpmn.Flow(previous, id, id: flowId));
                previous = id;
            }

            sb.Append(Bpmn.Flow(previous, "join", id: $"{previous}_join"));
        }

        // Branch 0 is the default: it runs only when no other branch is active.
        active[0] = !active.Skip(1).Any(a => a);
        return (sb.ToString(), branches, active, lengths);
    }

    [Theory]
    [InlineData(11)]
    [InlineData(22)]
    [InlineData(33)]
    [InlineData(44)]
    [InlineData(55)]
    [InlineData(66)]
    public void Join_fires_once_after_the_last_active_branch(int seed)
    {
        var random = new Random(seed);
        for (var round = 0; round < 8; round++)
        {
            var (body, branches, active, lengths) = RandomDiagram(random);
            var h = Harness.For(body);
            h.Start();
            var expectedTasks = Enumerable.Range(0, branches).Where(b => active[b]).Sum(b => lengths[b]);
            var completed = 0;
            while (h.State.UserTasks.Count > 0)
            {
                Assert.Equal(0, h.CountCompleted("after"));
                var t = h.State.UserTasks[random.Next(h.State.UserTasks.Count)];
                Assert.True(active[int.Parse(t.ActivityId[1..t.ActivityId.IndexOf('_', StringComparison.Ordinal)], System.Globalization.CultureInfo.InvariantCulture)], $"inactive branch task {t.ActivityId} opened");
                h.Run(new CompleteUserTask(t.Id, "u", [], null));
                completed++;
            }

            Assert.Equal(expectedTasks, completed);
            Assert.Equal(1, h.CountCompleted("join"));
            Assert.Equal(1, h.CountCompleted("after"));
            Assert.Equal(InstanceStatus.Completed, h.State.Status);
        }
    }

    [Theory]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(9)]
    public void Join_inside_subprocess_is_scoped_to_its_instance(int seed)
    {
        // A multi-instance subprocess with an inclusive split/join per instance: instances must not wait for each other.
        var random = new Random(seed);
        var n = random.Next(2, 5);
        var h = Harness.For($"""
            <startEvent id="s"/>
            <subProcess id="sp"><multiInstanceLoopCharacteristics><loopCardinality>{n}</loopCardinality></multiInstanceLoopCharacteristics>
              <startEvent id="ss"/><inclusiveGateway id="split"/><userTask id="a"/><userTask id="b"/><inclusiveGateway id="join"/><endEvent id="se"/>
              {Bpmn.Flow("ss", "split")}{Bpmn.Flow("split", "a", "${true}")}{Bpmn.Flow("split", "b", "${loopCounter % 2 == 0}")}{Bpmn.Flow("a", "join")}{Bpmn.Flow("b", "join")}{Bpmn.Flow("join", "se")}
            </subProcess><endEvent id="e"/>
            """ + Bpmn.Chain("s", "sp", "e"));
        h.Start();
        var expected = n + ((n + 1) / 2);
        Assert.Equal(expected, h.State.UserTasks.Count);
        var done = 0;
        while (h.State.UserTasks.Count > 0)
        {
            var t = h.State.UserTasks[random.Next(h.State.UserTasks.Count)];
            h.Run(new CompleteUserTask(t.Id, "u", [], null));
            done++;
            Assert.Equal(InstanceStatus.Active == h.State.Status, h.State.UserTasks.Count > 0);
        }

        Assert.Equal(expected, done);
        Assert.Equal(n, h.CountCompleted("join"));
        Assert.Equal(InstanceStatus.Completed, h.State.Status);
    }

    [Fact]
    public void Join_waits_for_token_inside_a_nested_subprocess_on_a_branch()
    {
        var h = Harness.For("""
            <startEvent id="s"/><inclusiveGateway id="split"/>
            <userTask id="a"/>
            <subProcess id="sp"><startEvent id="ss"/><userTask id="deep"/><endEvent id="se"/>
            """ + Bpmn.Chain("ss", "deep", "se") + """
            </subProcess>
            <inclusiveGateway id="join"/><endEvent id="e"/>
            """ + Bpmn.Flow("s", "split") + Bpmn.Flow("split", "a", "${true}") + Bpmn.Flow("split", "sp", "${true}") + Bpmn.Flow("a", "join") + Bpmn.Flow("sp", "join") + Bpmn.Flow("join", "e"));
        h.Start();
        h.Complete("a");
        Assert.Equal(0, h.CountCompleted("join"));
        h.Complete("deep");
        Assert.Equal(InstanceStatus.Completed, h.State.Status);
    }

    [Fact]
    public void Join_waits_for_token_that_may_arrive_through_a_boundary_event()
    {
        var h = Harness.For("""
            <startEvent id="s"/><inclusiveGateway id="split"/>
            <userTask id="a"/><userTask id="b"/>
            <boundaryEvent id="bt" attachedToRef="b"><timerEventDefinition><timeDuration>PT1H</timeDuration></timerEventDefinition></boundaryEvent>
            <endEvent id="bEnd"/>
            <inclusiveGateway id="join"/><endEvent id="e"/>
            """ + Bpmn.Flow("s", "split") + Bpmn.Flow("split", "a", "${true}") + Bpmn.Flow("split", "b", "${true}") + Bpmn.Flow("a", "join") + Bpmn.Flow("b", "bEnd") + Bpmn.Flow("bt", "join") + Bpmn.Flow("join", "e"));
        h.Start();
        h.Complete("a");
        Assert.Equal(0, h.CountCompleted("join"));
        h.Complete("b");
        Assert.Equal(1, h.CountCompleted("join"));
        Assert.Equal(InstanceStatus.Completed, h.State.Status);
    }
}
