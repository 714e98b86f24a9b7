namespace ProcurementFlows.Engine.Parsing;

/// <summary>Thrown by <see cref="LimitedStream"/> when more bytes than allowed are read.</summary>
internal sealed class LimitExceededException() : Exception("Size limit exceeded.");

/// <summary>A read-only wrapper that refuses to deliver more than a given number of bytes.</summary>
internal sealed class LimitedStream(Stream inner, long limit) : Stream
{
    private long read;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => read; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count)
    {
        // Never ask for more than one byte past the limit, so an oversize input is detected without reading it all.
        var n = inner.Read(buffer, offset, (int)Math.Min(count, limit - read + 1));
        read += n;
        if (read > limit)
        {
            throw new LimitExceededException();
        }

        return n;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
