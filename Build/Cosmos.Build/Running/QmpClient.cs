using System;
using System.IO;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Threading;

namespace Cosmos.Build.Running
{
    /// <summary>
    /// A minimal client of the QEMU Machine Protocol (QMP, docs/interop/qmp-spec) over a Unix socket QEMU listens on
    /// (<c>-qmp unix:PATH,server=on,wait=off</c>): reads the greeting, enters command mode with <c>qmp_capabilities</c>,
    /// then runs commands one at a time, each a JSON object on one line answered by a line with "return" or "error"
    /// (asynchronous "event" lines in between are skipped).
    /// </summary>
    public sealed class QmpClient : IDisposable
    {
        private readonly Socket _socket;
        private readonly StreamReader _reader;
        private readonly StreamWriter _writer;

        private QmpClient(Socket socket)
        {
            _socket = socket;
            var stream = new NetworkStream(socket, ownsSocket: false);
            _reader = new StreamReader(stream, new UTF8Encoding(false));
            _writer = new StreamWriter(stream, new UTF8Encoding(false)) { NewLine = "\r\n", AutoFlush = true };
        }

        /// <summary>Connects to <paramref name="socketPath"/> (retrying while QEMU has not created it yet) and negotiates capabilities.</summary>
        /// <exception cref="IOException">No connection within <paramref name="timeout"/>, or a malformed greeting.</exception>
        public static QmpClient Connect(string socketPath, TimeSpan timeout)
        {
            var deadline = DateTime.UtcNow + timeout;
            while (true)
            {
                var s = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    s.Connect(new UnixDomainSocketEndPoint(socketPath));
                    s.ReceiveTimeout = (int)timeout.TotalMilliseconds;
                    var c = new QmpClient(s);
                    string greeting = c._reader.ReadLine();
                    if (greeting == null || !greeting.Contains("\"QMP\"")) throw new IOException("QMP: unexpected greeting: " + greeting);
                    c.Execute("{\"execute\":\"qmp_capabilities\"}");
                    return c;
                }
                catch (SocketException) when (DateTime.UtcNow < deadline)
                {
                    s.Dispose();
                    Thread.Sleep(100);
                }
                catch (SocketException e)
                {
                    s.Dispose();
                    throw new IOException($"QMP: cannot connect to {socketPath}: {e.Message}");
                }
            }
        }

        /// <summary>Sends one command line and returns the "return" answer's JSON.</summary>
        /// <exception cref="IOException">QEMU answered with "error" or closed the connection.</exception>
        public string Execute(string commandJson)
        {
            _writer.WriteLine(commandJson);
            while (true)
            {
                string line = _reader.ReadLine() ?? throw new IOException("QMP: connection closed while waiting for an answer to " + commandJson);
                using var doc = JsonDocument.Parse(line);
                if (doc.RootElement.TryGetProperty("return", out var ret)) return ret.GetRawText();
                if (doc.RootElement.TryGetProperty("error", out var err))
                    throw new IOException("QMP: " + commandJson + " failed: " + (err.TryGetProperty("desc", out var d) ? d.GetString() : err.GetRawText()));
            }
        }

        /// <summary>Writes the current screen to <paramref name="ppmPath"/> (QMP <c>screendump</c>, PPM P6, 8 bits per channel).</summary>
        public void ScreenDump(string ppmPath) =>
            Execute("{\"execute\":\"screendump\",\"arguments\":{\"filename\":" + JsonSerializer.Serialize(ppmPath) + "}}");

        /// <inheritdoc/>
        public void Dispose()
        {
            _reader.Dispose();
            _writer.Dispose();
            _socket.Dispose();
        }
    }
}
