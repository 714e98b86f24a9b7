using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using ProcurementFlows.Engine;

namespace ProcurementFlows.Runtime.LocalPostgres;

/// <summary>
/// A private PostgreSQL cluster started from the machine's PostgreSQL binaries: created on first use,
/// reused on later starts, listening on a free loopback port, stopped on dispose.
/// When the process runs as root, <c>initdb</c>, <c>pg_ctl</c> and <c>postgres</c> run as the
/// <c>postgres</c> user (PostgreSQL refuses to run as root) and the folder is handed to that user.
/// </summary>
public sealed class LocalPostgresCluster : IAsyncDisposable
{
    private const string SuperUser = "postgres";
    private readonly LocalPostgresOptions _options;
    private readonly ILogger _logger;
    private readonly string _binDirectory;
    private readonly bool _runAsPostgresUser;
    private readonly Func<int> _choosePort;
    private bool _startedByUs;
    private int _stopped;

    private LocalPostgresCluster(LocalPostgresOptions options, ILogger logger, string binDirectory, Func<int> choosePort)
    {
        _options = options;
        _logger = logger;
        _binDirectory = binDirectory;
        _choosePort = choosePort;
        _runAsPostgresUser = Environment.UserName == "root";
        RootDirectory = Path.GetFullPath(options.RootDirectory);
        DataDirectory = Path.Combine(RootDirectory, "data");
    }

    /// <summary>The folder given in the options, as a full path.</summary>
    public string RootDirectory { get; }

    /// <summary>The cluster's data directory (<c>PGDATA</c>).</summary>
    public string DataDirectory { get; }

    /// <summary>The loopback TCP port the cluster listens on.</summary>
    public int Port { get; private set; }

    /// <summary>Connection string for the application database.</summary>
    public string ConnectionString => BuildConnectionString(_options.Database);

    /// <summary>Connection string for the <c>postgres</c> maintenance database (create/drop databases).</summary>
    public string AdminConnectionString => BuildConnectionString("postgres");

    private string Password { get; set; } = "";

    /// <summary>Connection string for a database of this cluster.</summary>
    public string BuildConnectionString(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = SuperUser,
        Password = Password,
        Database = database,
        MaxPoolSize = 100,
    }.ConnectionString;

    /// <summary>The folder holding <c>pg_ctl</c> and friends (newest installed version).</summary>
    public string BinDirectory => _binDirectory;

    /// <summary>Starts (creating on first use) the cluster and makes sure the application database exists.</summary>
    /// <exception cref="LocalPostgresException">Binaries missing, or the cluster failed to start.</exception>
    public static Task<LocalPostgresCluster> StartAsync(LocalPostgresOptions options, ILogger? logger = null, CancellationToken cancellationToken = default) =>
        StartAsync(options, logger, FindFreePort, cancellationToken);

    /// <summary>As the public overload, with the choice of a free port replaceable (tests take the first choice away).</summary>
    internal static async Task<LocalPostgresCluster> StartAsync(LocalPostgresOptions options, ILogger? logger, Func<int> choosePort, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.RootDirectory))
        {
            throw new ArgumentException("LocalPostgresOptions.RootDirectory is required.", nameof(options));
        }

        var bin = options.BinDirectory ?? FindNewestBinDirectory();
        if (bin is null || !File.Exists(Path.Combine(bin, "pg_ctl")) || !File.Exists(Path.Combine(bin, "initdb")))
        {
            throw new LocalPostgresException(
                "postgres.binaries-missing",
                $"No PostgreSQL server binaries found (looked in {options.BinDirectory ?? "/usr/lib/postgresql/*/bin"}). " +
                "Install the Debian package 'postgresql' (apt-get install postgresql), or configure a connection string.");
        }

        var cluster = new LocalPostgresCluster(options, logger ?? NullLogger.Instance, bin, choosePort);
        try
        {
            await cluster.StartCoreAsync(cancellationToken);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>The newest <c>/usr/lib/postgresql/N/bin</c> with <c>pg_ctl</c>, or null.</summary>
    public static string? FindNewestBinDirectory()
    {
        const string root = "/usr/lib/postgresql";
        if (!Directory.Exists(root))
        {
            return null;
        }

        return Directory.GetDirectories(root)
            .Select(d => (Dir: Path.Combine(d, "bin"), Version: decimal.TryParse(Path.GetFileName(d), NumberStyles.Number, CultureInfo.InvariantCulture, out var v) ? v : -1m))
            .Where(x => File.Exists(Path.Combine(x.Dir, "pg_ctl")))
            .OrderByDescending(x => x.Version)
            .Select(x => x.Dir)
            .FirstOrDefault();
    }

    private async Task StartCoreAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(RootDirectory);
        var passwordFile = Path.Combine(RootDirectory, "password");
        if (!File.Exists(Path.Combine(DataDirectory, "PG_VERSION")))
        {
            await InitializeAsync(passwordFile, cancellationToken);
        }

        Password = (await File.ReadAllTextAsync(passwordFile, cancellationToken)).Trim();

        var running = ReadRunningPort();
        if (running is int port)
        {
            // Left running by an earlier process (e.g. one that was killed): reuse it.
            Port = port;
            _logger.LogInformation("Reusing the local PostgreSQL cluster already running in {DataDirectory} on port {Port}", DataDirectory, Port);
        }
        else
        {
            await StartServerAsync(cancellationToken);
            _startedByUs = true;
            _logger.LogInformation("Started a local PostgreSQL cluster in {DataDirectory} on 127.0.0.1:{Port}", DataDirectory, Port);
        }

        await WaitUntilReadyAsync(cancellationToken);
        await EnsureDatabaseAsync(_options.Database, cancellationToken);
    }

    /// <summary>
    /// Starts the postmaster on a free loopback port. A port found free is released before the postmaster binds it (it
    /// cannot be handed over), so another process (a test process starting beside this one, any outgoing connection) can
    /// take it in between; the postmaster then exits with "Address already in use", and another port is chosen.
    /// </summary>
    private async Task StartServerAsync(CancellationToken cancellationToken)
    {
        const int Attempts = 5;
        var log = Path.Combine(RootDirectory, "postgres.log");
        for (var attempt = 1; ; attempt++)
        {
            Port = _choosePort();
            var logLength = File.Exists(log) ? new FileInfo(log).Length : 0;
            var settings = string.Join(' ', new[]
            {
                $"-p {Port}",
                "-c listen_addresses=127.0.0.1",
                "-c unix_socket_directories=''",
                $"-c max_connections={_options.MaxConnections}",
                "-c shared_buffers=128MB",
            }.Concat(_options.Durable ? [] : ["-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off"]));
            try
            {
                await RunToolAsync(
                    "pg_ctl",
                    ["start", "-D", DataDirectory, "-l", log, "-w", "-t", ((int)_options.StartTimeout.TotalSeconds).ToString(CultureInfo.InvariantCulture), "-o", settings],
                    cancellationToken);
                return;
            }
            catch (LocalPostgresException) when (attempt < Attempts && PortWasTaken(log, logLength))
            {
                _logger.LogWarning("Port {Port} was taken before the local PostgreSQL could bind it; starting on another port", Port);
            }
        }
    }

    /// <summary>Whether the server log written since <paramref name="from"/> says the port could not be bound.</summary>
    private static bool PortWasTaken(string log, long from)
    {
        if (!File.Exists(log))
        {
            return false;
        }

        using var stream = new FileStream(log, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        stream.Seek(Math.Min(from, stream.Length), SeekOrigin.Begin);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Contains("Address already in use", StringComparison.Ordinal);
    }

    private async Task InitializeAsync(string passwordFile, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(DataDirectory);
        var password = Convert.ToHexString(RandomNumberGenerator.GetBytes(24));
        await File.WriteAllTextAsync(passwordFile, password, cancellationToken);
        SetMode(passwordFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var initPasswordFile = Path.Combine(RootDirectory, "initdb.pw");
        await File.WriteAllTextAsync(initPasswordFile, password, cancellationToken);
        try
        {
            await HandOverToPostgresUserAsync(cancellationToken);
            SetMode(DataDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            await RunToolAsync(
                "initdb",
                ["-D", DataDirectory, "-U", SuperUser, "--auth=scram-sha-256", "--pwfile", initPasswordFile, "-E", "UTF8", "--locale=C"],
                cancellationToken);
        }
        finally
        {
            File.Delete(initPasswordFile);
        }

        _logger.LogInformation("Initialized a local PostgreSQL cluster in {DataDirectory}", DataDirectory);
    }

    private async Task HandOverToPostgresUserAsync(CancellationToken cancellationToken)
    {
        if (!_runAsPostgresUser)
        {
            return;
        }

        // The postgres user must be able to reach the folder: make the root traversable, own data and files.
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(RootDirectory, File.GetUnixFileMode(RootDirectory) | UnixFileMode.OtherExecute | UnixFileMode.GroupExecute);
        }

        await RunProcessAsync("chown", ["-R", $"{SuperUser}:", RootDirectory], cancellationToken);
    }

    private static void SetMode(string path, UnixFileMode mode)
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, mode);
        }
    }

    private int? ReadRunningPort()
    {
        var pidFile = Path.Combine(DataDirectory, "postmaster.pid");
        if (!File.Exists(pidFile))
        {
            return null;
        }

        string[] lines;
        try
        {
            lines = File.ReadAllLines(pidFile);
        }
        catch (IOException)
        {
            return null;
        }

        if (lines.Length < 4 || !int.TryParse(lines[0], out var pid) || !int.TryParse(lines[3], out var port))
        {
            return null;
        }

        try
        {
            using var process = Process.GetProcessById(pid);
            return process.HasExited ? null : port;
        }
        catch (ArgumentException)
        {
            return null; // stale pid file; pg_ctl start deals with it
        }
    }

    private async Task WaitUntilReadyAsync(CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                await using var connection = new NpgsqlConnection(AdminConnectionString);
                await connection.OpenAsync(cancellationToken);
                return;
            }
            catch (NpgsqlException ex) when (deadline.Elapsed < _options.StartTimeout)
            {
                _logger.LogDebug(ex, "Local PostgreSQL not ready yet");
                await Task.Delay(100, cancellationToken);
            }
        }
    }

    /// <summary>Creates the database when it does not exist (optionally as a copy of a template database).</summary>
    public async Task EnsureDatabaseAsync(string database, CancellationToken cancellationToken = default, string? template = null)
    {
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using (var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @n", connection))
        {
            exists.Parameters.AddWithValue("n", database);
            if (await exists.ExecuteScalarAsync(cancellationToken) is not null)
            {
                return;
            }
        }

        var sql = "CREATE DATABASE " + QuoteIdentifier(database) + (template is null ? "" : " TEMPLATE " + QuoteIdentifier(template));
        await using var create = new NpgsqlCommand(sql, connection);
        try
        {
            await create.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.DuplicateDatabase)
        {
            // created concurrently by another process: fine
        }
    }

    private static string QuoteIdentifier(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static int FindFreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private Task RunToolAsync(string tool, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var path = Path.Combine(_binDirectory, tool);
        return _runAsPostgresUser
            ? RunProcessAsync("runuser", ["-u", SuperUser, "--", path, .. arguments], cancellationToken)
            : RunProcessAsync(path, arguments, cancellationToken);
    }

    private static async Task RunProcessAsync(string fileName, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = "/",
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = new Process { StartInfo = info };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new LocalPostgresException("postgres.tool-missing", $"Could not run '{fileName}': {ex.Message}", ex);
        }

        // pg_ctl start leaves the server holding inherited pipes: read until the tool itself exits, not to EOF.
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            var error = stderr.IsCompleted ? await stderr : "";
            var output = stdout.IsCompleted ? await stdout : "";
            throw new LocalPostgresException(
                "postgres.start-failed",
                $"'{Path.GetFileName(fileName)} {string.Join(' ', arguments)}' failed with exit code {process.ExitCode}: {error}{output}".Trim());
        }
    }

    /// <summary>Stops the cluster if this object started it (fast shutdown).</summary>
    public Task StopAsync(CancellationToken cancellationToken = default) => StopAsync("fast", cancellationToken);

    /// <summary>
    /// Stops the cluster if this object started it, at once: PostgreSQL's immediate shutdown, without the shutdown
    /// checkpoint (a loaded machine can take minutes to write it), so the next start runs crash recovery. For a
    /// throw-away cluster whose folder is deleted next, such as a test process's.
    /// </summary>
    public Task StopImmediatelyAsync(CancellationToken cancellationToken = default) => StopAsync("immediate", cancellationToken);

    private async Task StopAsync(string mode, CancellationToken cancellationToken)
    {
        if (!_startedByUs || Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return;
        }

        NpgsqlConnection.ClearAllPools();
        await RunToolAsync("pg_ctl", ["stop", "-D", DataDirectory, "-m", mode, "-w"], cancellationToken);
        _logger.LogInformation("Stopped the local PostgreSQL cluster in {DataDirectory} ({Mode} shutdown)", DataDirectory, mode);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync() => await StopAsync();
}

/// <summary>The local PostgreSQL cluster could not be started (binaries missing, start-up failed).</summary>
public sealed class LocalPostgresException : ProcurementFlowsException
{
    /// <summary>Creates the exception.</summary>
    public LocalPostgresException(string code, string message, Exception? innerException = null)
        : base(code, message, isRetryable: false, innerException)
    {
    }
}
