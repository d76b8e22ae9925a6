using System;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using Cosmos.Build.Toolchain;

namespace Cosmos.Build.Testing
{
    /// <summary>
    /// An impaired link between a guest's card and QEMU's user network, for the lossy-transfer test (issue #11: "a
    /// transfer stays byte-exact with ≥ 5 % frame loss plus reordering and duplication"). QEMU hands every frame of a
    /// direction to the relay through a <c>filter-redirector</c> with both <c>outdev</c> (QEMU → relay) and <c>indev</c>
    /// (relay → QEMU) chardevs, framed as QEMU's net socket protocol (big-endian 32-bit length, then the frame). The
    /// relay passes frames on unchanged except IPv4/TCP ones, which it drops with probability <see cref="LossRate"/>,
    /// duplicates with <see cref="DuplicateRate"/> and holds back behind the next frame with
    /// <see cref="ReorderRate"/>, from a seeded generator. Each direction needs two listening ports (out and in).
    /// </summary>
    public sealed class LossyRelay : IDisposable
    {
        /// <summary>Probability of dropping a TCP frame (0.06).</summary>
        public double LossRate = 0.06;
        /// <summary>Probability of sending a TCP frame twice (0.02).</summary>
        public double DuplicateRate = 0.02;
        /// <summary>Probability of holding a TCP frame back behind the next one (0.05).</summary>
        public double ReorderRate = 0.05;

        /// <summary>TCP frames seen, dropped, duplicated, reordered (both directions).</summary>
        public long TcpFrames, Dropped, Duplicated, Reordered, Frames;

        private readonly Random _random = new Random(2026);
        private readonly List<IDisposable> _owned = new();
        private readonly Direction[] _directions = { new Direction(), new Direction() };

        private sealed class Direction
        {
            public TcpListener Out, In;
            public NetworkStream InStream;
            public readonly ManualResetEventSlim InReady = new();
        }

        /// <summary>Opens the listener for one end: direction 0 (queue=rx: guest → network) or 1 (queue=tx: network → guest), <paramref name="outEnd"/> true for QEMU's outdev. Returns its loopback port.</summary>
        public int Listen(int direction, bool outEnd)
        {
            var d = _directions[direction];
            var l = new TcpListener(IPAddress.Loopback, 0);
            l.Start();
            _owned.Add(new Disposable(l.Stop));
            if (outEnd) d.Out = l; else d.In = l;
            if (outEnd)
                new Thread(() => Pump(d, l)) { IsBackground = true, Name = "lossy relay " + direction }.Start();
            else
                l.BeginAcceptTcpClient(ar =>
                {
                    try { var c = l.EndAcceptTcpClient(ar); lock (_owned) _owned.Add(c); d.InStream = c.GetStream(); d.InReady.Set(); }
                    catch (Exception) { }
                }, null);
            return ((IPEndPoint)l.LocalEndpoint).Port;
        }

        private static bool IsTcp(byte[] f) => f.Length >= 34 && f[12] == 0x08 && f[13] == 0x00 && f[23] == 6;

        private void Pump(Direction d, TcpListener l)
        {
            try
            {
                using var c = l.AcceptTcpClient();
                var s = c.GetStream();
                var len = new byte[4];
                byte[] held = null;
                while (true)
                {
                    if (!ReadExactly(s, len)) return;
                    int n = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(len);
                    if (n < 0 || n > 65536) return;
                    var frame = new byte[n];
                    if (!ReadExactly(s, frame)) return;
                    Interlocked.Increment(ref Frames);
                    if (!d.InReady.Wait(10000)) return;
                    if (!IsTcp(frame)) { Send(d, frame); continue; }
                    Interlocked.Increment(ref TcpFrames);
                    double r;
                    lock (_random) r = _random.NextDouble();
                    if (r < LossRate) { Interlocked.Increment(ref Dropped); continue; }
                    if (r < LossRate + ReorderRate && held == null) { held = frame; Interlocked.Increment(ref Reordered); continue; }
                    Send(d, frame);
                    if (r > 1 - DuplicateRate) { Send(d, frame); Interlocked.Increment(ref Duplicated); }
                    if (held != null) { Send(d, held); held = null; }
                }
            }
            catch (IOException) { }
            catch (SocketException) { }
            catch (ObjectDisposedException) { }
        }

        private static void Send(Direction d, byte[] frame)
        {
            var len = new byte[4];
            System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(len, frame.Length);
            lock (d)
            {
                d.InStream.Write(len);
                d.InStream.Write(frame);
            }
        }

        private static bool ReadExactly(Stream s, byte[] b)
        {
            int got = 0;
            while (got < b.Length)
            {
                int n = s.Read(b, got, b.Length - got);
                if (n <= 0) return false;
                got += n;
            }
            return true;
        }

        /// <summary>"412 of 6,913 TCP frames dropped (6.0 %), 140 duplicated, 350 reordered".</summary>
        public override string ToString() =>
            $"{Dropped} of {TcpFrames} TCP frames dropped ({(TcpFrames == 0 ? 0 : 100.0 * Dropped / TcpFrames):F1} %), {Duplicated} duplicated, {Reordered} reordered";

        /// <summary>Closes every listener and connection.</summary>
        public void Dispose()
        {
            lock (_owned) foreach (var o in _owned) { try { o.Dispose(); } catch { } }
        }
    }
}
