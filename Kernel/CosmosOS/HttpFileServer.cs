using System;
using System.IO;
using System.Text;
using System.Threading;
using Cosmos.System.Network.IPv4;
using Cosmos.System.Network.IPv4.TCP;

namespace CosmosOS
{
    /// <summary>
    /// The demo shell's <c>serve</c>: a small HTTP/1.1 file server (RFC 9112 message syntax, GET and HEAD only,
    /// <c>Connection: close</c> after every response) over Cosmos's TcpListener, serving the files under a root folder
    /// of the disk; a folder gets an HTML listing. Paths are URL-decoded, '/' becomes '\'; ".." is refused (400). One
    /// connection at a time, on a background thread, until <see cref="Stop"/>.
    /// </summary>
    internal sealed class HttpFileServer
    {
        private readonly TcpListener _listener;
        private readonly string _root;
        private volatile bool _stopping;
        private Thread _thread;

        /// <summary>Requests answered so far.</summary>
        public int Requests;

        public ushort Port { get; }

        public HttpFileServer(ushort port, string root)
        {
            Port = port;
            _root = root;
            _listener = new TcpListener(port);
        }

        public void Start()
        {
            _listener.Start();
            _thread = new Thread(Loop) { IsBackground = true, Name = "http :" + Port };
            _thread.Start();
        }

        public void Stop()
        {
            _stopping = true;
            _listener.Stop();
        }

        private void Loop()
        {
            while (!_stopping)
            {
                TcpClient c;
                try { c = _listener.AcceptTcpClient(500); }
                catch (InvalidOperationException) { return; }
                if (c == null) continue;
                try { Serve(c); }
                catch (Exception e) { Console.WriteLine("[serve] " + e.GetType().Name + ": " + e.Message); }
                finally { c.Close(); }
            }
        }

        private static void Send(TcpClient c, string s) => c.Send(Encoding.ASCII.GetBytes(s));

        private void Respond(TcpClient c, int status, string reason, string type, byte[] body, bool head)
        {
            Send(c, $"HTTP/1.1 {status} {reason}\r\nServer: CosmosOS\r\nContent-Type: {type}\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n");
            if (!head && body.Length > 0) c.Send(body);
        }

        private void Serve(TcpClient c)
        {
            var request = new MemoryStream();
            var from = new EndPoint(Address.Zero, 0);
            while (true)
            {
                var part = c.Receive(ref from, 10_000);
                if (part == null) return;
                request.Write(part, 0, part.Length);
                string so = Encoding.ASCII.GetString(request.GetBuffer(), 0, (int)request.Length);
                if (so.Contains("\r\n\r\n")) break;
                if (request.Length > 8192) { Respond(c, 431, "Request Header Fields Too Large", "text/plain", Encoding.ASCII.GetBytes("request too large\n"), false); return; }
            }
            string text = Encoding.ASCII.GetString(request.GetBuffer(), 0, (int)request.Length);
            string line = text.Substring(0, text.IndexOf("\r\n", StringComparison.Ordinal));
            var w = line.Split(' ');
            Requests++;
            if (w.Length != 3 || !w[2].StartsWith("HTTP/1.", StringComparison.Ordinal) || !w[1].StartsWith("/", StringComparison.Ordinal))
            { Respond(c, 400, "Bad Request", "text/plain", Encoding.ASCII.GetBytes("bad request line\n"), false); return; }
            bool head = w[0] == "HEAD";
            if (w[0] != "GET" && !head) { Respond(c, 405, "Method Not Allowed", "text/plain", Encoding.ASCII.GetBytes("GET and HEAD only\n"), false); return; }
            string rel = Uri.UnescapeDataString(w[1].Split('?')[0]).Trim('/');
            foreach (var seg in rel.Split('/')) if (seg == "..") { Respond(c, 400, "Bad Request", "text/plain", Encoding.ASCII.GetBytes("'..' is not allowed\n"), head); return; }
            string path = rel.Length == 0 ? _root : Path.Combine(_root, rel.Replace('/', '\\'));
            if (Directory.Exists(path))
            {
                var sb = new StringBuilder("<!DOCTYPE html><html><head><title>CosmosOS " + Html(path) + "</title></head><body><h1>" + Html(path) + "</h1><ul>");
                foreach (var d in Directory.GetDirectories(path)) { string n = Path.GetFileName(d); sb.Append("<li><a href=\"/").Append(Href(rel, n)).Append("/\">").Append(Html(n)).Append("/</a></li>"); }
                foreach (var f in Directory.GetFiles(path)) { string n = Path.GetFileName(f); sb.Append("<li><a href=\"/").Append(Href(rel, n)).Append("\">").Append(Html(n)).Append("</a> ").Append(new FileInfo(f).Length).Append(" bytes</li>"); }
                sb.Append("</ul></body></html>\n");
                Respond(c, 200, "OK", "text/html; charset=utf-8", Encoding.UTF8.GetBytes(sb.ToString()), head);
                return;
            }
            if (!File.Exists(path)) { Respond(c, 404, "Not Found", "text/plain", Encoding.ASCII.GetBytes("no such file: /" + rel + "\n"), head); return; }
            using var fs = File.OpenRead(path);
            Send(c, $"HTTP/1.1 200 OK\r\nServer: CosmosOS\r\nContent-Type: {TypeOf(path)}\r\nContent-Length: {fs.Length}\r\nConnection: close\r\n\r\n");
            if (head) return;
            var buf = new byte[16384];
            int n2;
            while ((n2 = fs.Read(buf, 0, buf.Length)) > 0) c.Send(buf, 0, n2);
        }

        private static string Href(string rel, string name) => (rel.Length == 0 ? "" : rel + "/") + Uri.EscapeDataString(name);

        private static string Html(string s) => s.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");

        private static string TypeOf(string path)
        {
            string e = Path.GetExtension(path).ToLowerInvariant();
            return e switch
            {
                ".txt" or ".md" or ".cs" => "text/plain; charset=utf-8",
                ".htm" or ".html" => "text/html; charset=utf-8",
                ".png" => "image/png",
                ".bmp" => "image/bmp",
                ".json" => "application/json",
                _ => "application/octet-stream",
            };
        }
    }
}
