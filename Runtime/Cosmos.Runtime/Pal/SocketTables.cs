using System;

namespace Cosmos.Runtime
{
    /// <summary>
    /// The socket exports' lookup tables. They live apart from <see cref="SystemNative"/> on purpose: a static field
    /// with an initializer gives its class a static constructor, and SystemNative's Malloc runs while the runtime
    /// initializes its modules, before class constructors can run (the kernel then triple-faults before its first
    /// output). Tests/Cosmos.Runtime.Tests checks that SystemNative has no static constructor.
    /// </summary>
    public static class SocketTables
    {
        /// <summary>
        /// The (PAL SocketOptionLevel, PAL SocketOptionName) pairs <see cref="SocketOption"/> decodes, with the
        /// System.Net.Sockets enum member names (checked against the assemblies by CoreLibContractTests).
        /// </summary>
        public static readonly (int Level, string LevelName, int Name, string NameName, SocketOption Option)[] SocketOptionTable =
        {
            (SystemNative.PalSolSocket, "Socket", 0x0001, "Debug", SocketOption.Debug),
            (SystemNative.PalSolSocket, "Socket", 0x0002, "AcceptConnection", SocketOption.AcceptConnection),
            (SystemNative.PalSolSocket, "Socket", 0x0004, "ReuseAddress", SocketOption.ReuseAddress),
            (SystemNative.PalSolSocket, "Socket", 0x0008, "KeepAlive", SocketOption.KeepAlive),
            (SystemNative.PalSolSocket, "Socket", 0x0010, "DontRoute", SocketOption.DontRoute),
            (SystemNative.PalSolSocket, "Socket", 0x0020, "Broadcast", SocketOption.Broadcast),
            (SystemNative.PalSolSocket, "Socket", 0x0100, "OutOfBandInline", SocketOption.OutOfBandInline),
            (SystemNative.PalSolSocket, "Socket", 0x1001, "SendBuffer", SocketOption.SendBuffer),
            (SystemNative.PalSolSocket, "Socket", 0x1002, "ReceiveBuffer", SocketOption.ReceiveBuffer),
            (SystemNative.PalSolSocket, "Socket", 0x1003, "SendLowWater", SocketOption.SendLowWater),
            (SystemNative.PalSolSocket, "Socket", 0x1004, "ReceiveLowWater", SocketOption.ReceiveLowWater),
            (SystemNative.PalSolSocket, "Socket", 0x1005, "SendTimeout", SocketOption.SendTimeout),
            (SystemNative.PalSolSocket, "Socket", 0x1006, "ReceiveTimeout", SocketOption.ReceiveTimeout),
            (SystemNative.PalSolSocket, "Socket", 0x1007, "Error", SocketOption.Error),
            (SystemNative.PalSolSocket, "Socket", 0x1008, "Type", SocketOption.Type),
            (SystemNative.PalSolIP, "IP", 1, "IPOptions", SocketOption.IPOptions),
            (SystemNative.PalSolIP, "IP", 2, "HeaderIncluded", SocketOption.HeaderIncluded),
            (SystemNative.PalSolIP, "IP", 3, "TypeOfService", SocketOption.TypeOfService),
            (SystemNative.PalSolIP, "IP", 4, "IpTimeToLive", SocketOption.TimeToLive),
            (SystemNative.PalSolIP, "IP", 9, "MulticastInterface", SocketOption.MulticastInterface),
            (SystemNative.PalSolIP, "IP", 10, "MulticastTimeToLive", SocketOption.MulticastTimeToLive),
            (SystemNative.PalSolIP, "IP", 11, "MulticastLoopback", SocketOption.MulticastLoopback),
            (SystemNative.PalSolIP, "IP", 14, "DontFragment", SocketOption.DontFragment),
            (SystemNative.PalSolIP, "IP", 19, "PacketInformation", SocketOption.PacketInformation),
            (SystemNative.PalSolTcp, "Tcp", 1, "NoDelay", SocketOption.NoDelay),
            (SystemNative.PalSolTcp, "Tcp", 3, "TcpKeepAliveTime", SocketOption.TcpKeepAliveTime),
            (SystemNative.PalSolTcp, "Tcp", 15, "FastOpen", SocketOption.FastOpen),
            (SystemNative.PalSolTcp, "Tcp", 16, "TcpKeepAliveRetryCount", SocketOption.TcpKeepAliveRetryCount),
            (SystemNative.PalSolTcp, "Tcp", 17, "TcpKeepAliveInterval", SocketOption.TcpKeepAliveInterval),
        };

        /// <summary>
        /// Linux TCP states (include/net/tcp_states.h, 1 … 11) to System.Net.NetworkInformation.TcpState member names,
        /// as the shipped Linux shim maps them (TCP_CLOSE, 7, becomes Closing there too; SocketExportTests checks the
        /// whole table against the host's libSystem.Native).
        /// </summary>
        public static readonly string[] TcpStateNames =
        {
            "Unknown", "Established", "SynSent", "SynReceived", "FinWait1", "FinWait2", "TimeWait", "Closing", "CloseWait", "LastAck", "Listen", "Closing",
        };

        /// <summary>TcpState values in the order of <see cref="TcpStateNames"/>.</summary>
        public static readonly int[] TcpStateValues = { 0, 5, 3, 4, 6, 7, 11, 9, 8, 10, 2, 9 };

    }
}
