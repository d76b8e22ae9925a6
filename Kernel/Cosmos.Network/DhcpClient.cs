using System;
using System.Collections.Generic;

namespace Cosmos.Network;

/// <summary>States of the DHCP client (RFC 2131 section 4.4, Figure 5; INIT-REBOOT and REBOOTING are not used).</summary>
public enum DhcpClientState
{
    /// <summary>Not started, or the lease ended / a DHCPNAK arrived and <see cref="DhcpClient.Poll"/> restarts discovery.</summary>
    Init,
    /// <summary>DHCPDISCOVER sent, waiting for a DHCPOFFER.</summary>
    Selecting,
    /// <summary>DHCPREQUEST for an offer sent, waiting for DHCPACK or DHCPNAK.</summary>
    Requesting,
    /// <summary>The lease is held and the host is configured.</summary>
    Bound,
    /// <summary>T1 passed: DHCPREQUEST unicast to the leasing server.</summary>
    Renewing,
    /// <summary>T2 passed: DHCPREQUEST broadcast to any server.</summary>
    Rebinding,
    /// <summary>After <see cref="DhcpClient.Release"/>: no address, nothing sent until <see cref="DhcpClient.Start"/>.</summary>
    Stopped,
}

/// <summary>
/// A DHCP client (RFC 2131) driving an <see cref="IPv4Host"/>: it binds UDP port 68, broadcasts DHCPDISCOVER, takes
/// the first DHCPOFFER, requests it, and on DHCPACK configures the host (<c>yiaddr</c>, option 1 mask, first option 3
/// router), announces the address with a gratuitous ARP and keeps the lease: renewing at T1 (½ lease) by unicast,
/// rebinding at T2 (⅞ lease) by broadcast, and falling back to 0.0.0.0 and discovery when the lease ends or a
/// DHCPNAK arrives. Retransmissions wait 4, 8, 16, 32, 64, 64 … s (section 4.1, without the random ±1 s so runs are
/// deterministic). Pure: time comes in as <c>nowMs</c>; call <see cref="Poll"/> regularly (e.g. with
/// <see cref="IPv4Host.Poll"/>).
/// </summary>
public sealed class DhcpClient
{
    /// <summary>First retransmission delay (4 000 ms).</summary>
    public const long InitialRetransmitMs = 4_000;
    /// <summary>Largest retransmission delay (64 000 ms).</summary>
    public const long MaximumRetransmitMs = 64_000;

    private readonly IPv4Host host;
    private uint nextTransactionId;
    private uint xid;
    private long nextSendMs;
    private long retransmitMs;
    private long leaseStartMs;
    private IPv4Address offeredAddress;
    private IPv4Address server;

    /// <summary>The current state.</summary>
    public DhcpClientState State { get; private set; } = DhcpClientState.Init;
    /// <summary>The leased address (0.0.0.0 when none).</summary>
    public IPv4Address LeasedAddress { get; private set; }
    /// <summary>Option 54 of the lease.</summary>
    public IPv4Address ServerIdentifier => server;
    /// <summary>Option 6 of the last DHCPACK.</summary>
    public List<IPv4Address> DomainNameServers { get; private set; } = new List<IPv4Address>();
    /// <summary>Lease length from option 51, in seconds (0xFFFFFFFF = infinite).</summary>
    public uint LeaseTimeSeconds { get; private set; }
    /// <summary>Called after each DHCPACK configured the host (null: nothing).</summary>
    public Action<DhcpClient> Bound { get; set; }

    /// <summary>
    /// Creates a client for <paramref name="host"/> and binds UDP port 68 on it. <paramref name="transactionIdSeed"/>
    /// is the first <c>xid</c> (the kernel passes something unpredictable, e.g. the TSC). Throws
    /// <see cref="InvalidOperationException"/> when port 68 is already bound.
    /// </summary>
    public DhcpClient(IPv4Host host, uint transactionIdSeed)
    {
        this.host = host ?? throw new ArgumentNullException(nameof(host));
        nextTransactionId = transactionIdSeed;
        if (!host.Bind(DhcpMessage.ClientPort, OnDatagram)) throw new InvalidOperationException("UDP port 68 is already bound.");
    }

    /// <summary>Starts (or restarts) discovery: clears the host's address and broadcasts DHCPDISCOVER.</summary>
    public void Start(long nowMs)
    {
        unconfigureAfterReleaseMs = 0;
        host.Configure(IPv4Address.Any, IPv4Address.Any, IPv4Address.Any);
        LeasedAddress = IPv4Address.Any;
        xid = nextTransactionId++;
        State = DhcpClientState.Selecting;
        retransmitMs = InitialRetransmitMs;
        SendDiscover(nowMs);
    }

    /// <summary>
    /// Gives the lease back (RFC 2131 §4.4.6): unicasts DHCPRELEASE (ciaddr = the leased address, option 54 = the
    /// server) when an address is held and enters <see cref="DhcpClientState.Stopped"/>, where <see cref="Poll"/>
    /// sends nothing until <see cref="Start"/>. The host is unconfigured at once when the message went out, otherwise
    /// (the server's hardware address still being resolved) by the first <see cref="Poll"/> after it went out or after
    /// 3 s, so the queued DHCPRELEASE is not stranded.
    /// </summary>
    public void Release(long nowMs)
    {
        bool queued = false;
        if (!LeasedAddress.IsAny && (State == DhcpClientState.Bound || State == DhcpClientState.Renewing || State == DhcpClientState.Rebinding))
        {
            var m = new DhcpMessage
            {
                Op = DhcpMessage.OpBootRequest, TransactionId = nextTransactionId++, ClientHardwareAddress = host.HardwareAddress,
                ClientAddress = LeasedAddress, MessageType = DhcpMessageType.Release, ServerIdentifier = server,
            };
            queued = host.SendUdp(server, DhcpMessage.ClientPort, DhcpMessage.ServerPort, m.ToArray(), nowMs) == SendStatus.Queued;
        }
        LeasedAddress = IPv4Address.Any;
        State = DhcpClientState.Stopped;
        if (queued) { unconfigureAfterReleaseMs = nowMs + 3_000; return; }
        unconfigureAfterReleaseMs = 0;
        host.Configure(IPv4Address.Any, IPv4Address.Any, IPv4Address.Any);
    }

    private long unconfigureAfterReleaseMs;

    /// <summary>Advances time: retransmissions, T1 renewal, T2 rebinding, lease expiry.</summary>
    public void Poll(long nowMs)
    {
        if (State == DhcpClientState.Stopped && unconfigureAfterReleaseMs != 0
            && (nowMs >= unconfigureAfterReleaseMs || host.Arp.TryGet(server, nowMs, out _)))
        {
            unconfigureAfterReleaseMs = 0;
            host.Configure(IPv4Address.Any, IPv4Address.Any, IPv4Address.Any);
        }
        switch (State)
        {
            case DhcpClientState.Init:
                Start(nowMs);
                break;
            case DhcpClientState.Selecting:
                if (nowMs >= nextSendMs) { Backoff(); SendDiscover(nowMs); }
                break;
            case DhcpClientState.Requesting:
                if (nowMs >= nextSendMs)
                {
                    // Give up on this offer after the backoff reaches its top: start over.
                    if (retransmitMs >= MaximumRetransmitMs) { Start(nowMs); break; }
                    Backoff(); SendRequest(nowMs, broadcast: true, renewing: false);
                }
                break;
            case DhcpClientState.Bound:
            case DhcpClientState.Renewing:
            case DhcpClientState.Rebinding:
                if (LeaseTimeSeconds == 0xFFFF_FFFFu) break;
                long lease = LeaseTimeSeconds * 1000L;
                long elapsed = nowMs - leaseStartMs;
                if (elapsed >= lease) { State = DhcpClientState.Init; Start(nowMs); break; }
                if (elapsed >= lease / 8 * 7 && State != DhcpClientState.Rebinding)
                {
                    State = DhcpClientState.Rebinding; xid = nextTransactionId++;
                    SendRequest(nowMs, broadcast: true, renewing: true);
                    nextSendMs = nowMs + Math.Max(60_000, (lease - elapsed) / 2);
                }
                else if (elapsed >= lease / 2 && State == DhcpClientState.Bound)
                {
                    State = DhcpClientState.Renewing; xid = nextTransactionId++;
                    SendRequest(nowMs, broadcast: false, renewing: true);
                    nextSendMs = nowMs + Math.Max(60_000, (lease / 8 * 7 - elapsed) / 2);
                }
                else if (State != DhcpClientState.Bound && nowMs >= nextSendMs)
                {
                    // RFC 2131 4.4.5: retransmit after half the remaining time to T2 (renewing) or to expiry (rebinding), at least 60 s.
                    bool rebinding = State == DhcpClientState.Rebinding;
                    SendRequest(nowMs, broadcast: rebinding, renewing: true);
                    long until = rebinding ? lease : lease / 8 * 7;
                    nextSendMs = nowMs + Math.Max(60_000, (until - elapsed) / 2);
                }
                break;
        }
    }

    private void Backoff() => retransmitMs = Math.Min(retransmitMs * 2, MaximumRetransmitMs);

    private void SendDiscover(long nowMs)
    {
        byte[] m = DhcpMessage.CreateDiscover(host.HardwareAddress, xid).ToArray();
        host.SendUdp(IPv4Address.Broadcast, DhcpMessage.ClientPort, DhcpMessage.ServerPort, m, nowMs);
        nextSendMs = nowMs + retransmitMs;
    }

    private void SendRequest(long nowMs, bool broadcast, bool renewing)
    {
        DhcpMessage m;
        if (renewing)
        {
            // RENEWING/REBINDING (4.3.2): ciaddr filled in, no options 50 and 54.
            m = new DhcpMessage
            {
                Op = DhcpMessage.OpBootRequest, TransactionId = xid, ClientHardwareAddress = host.HardwareAddress,
                ClientAddress = LeasedAddress, MessageType = DhcpMessageType.Request, ParameterRequestList = DhcpMessage.DefaultParameterRequestList(),
            };
        }
        else
        {
            m = DhcpMessage.CreateRequest(host.HardwareAddress, xid, offeredAddress, server);
        }
        host.SendUdp(broadcast ? IPv4Address.Broadcast : server, DhcpMessage.ClientPort, DhcpMessage.ServerPort, m.ToArray(), nowMs);
        if (!renewing) nextSendMs = nowMs + retransmitMs;
    }

    private void OnDatagram(IPv4Address source, ushort sourcePort, IPv4Address destination, ushort destinationPort, ReadOnlySpan<byte> data)
    {
        if (sourcePort != DhcpMessage.ServerPort) return;
        Handle(data);
    }

    private void Handle(ReadOnlySpan<byte> data)
    {
        if (DhcpMessage.TryParse(data, out DhcpMessage m) != ParseStatus.Ok) return;
        if (m.Op != DhcpMessage.OpBootReply || m.TransactionId != xid || m.ClientHardwareAddress != host.HardwareAddress) return;
        long nowMs = host.NowMs; // the time of the Receive call that delivered this datagram
        switch (m.MessageType)
        {
            case DhcpMessageType.Offer:
                // Option 54 names the server we unicast to when renewing and releasing: it must be one host too.
                if (State != DhcpClientState.Selecting || !m.YourAddress.IsUnicast || !m.ServerIdentifier.HasValue || !m.ServerIdentifier.Value.IsUnicast) return;
                offeredAddress = m.YourAddress;
                server = m.ServerIdentifier.Value;
                State = DhcpClientState.Requesting;
                retransmitMs = InitialRetransmitMs;
                SendRequest(nowMs, broadcast: true, renewing: false);
                break;
            case DhcpMessageType.Ack:
                if (State != DhcpClientState.Requesting && State != DhcpClientState.Renewing && State != DhcpClientState.Rebinding) return;
                // An address that cannot name one host (multicast, loopback, reserved, 0/8, or the broadcast address of
                // the subnet it comes with) would make the host answer for a group: the ACK is ignored (retransmission,
                // and in the end a new discovery, follow as for a lost reply).
                if (!m.YourAddress.IsUnicast || !m.LeaseTimeSeconds.HasValue) return;
                if (m.ServerIdentifier.HasValue && !m.ServerIdentifier.Value.IsUnicast) return;
                IPv4Address mask = m.SubnetMask ?? DefaultMask(m.YourAddress);
                if (mask.Value != 0 && mask.Value != 0xFFFF_FFFFu && (m.YourAddress.Value | mask.Value) == 0xFFFF_FFFFu) return;
                LeasedAddress = m.YourAddress;
                if (m.ServerIdentifier.HasValue) server = m.ServerIdentifier.Value;
                LeaseTimeSeconds = m.LeaseTimeSeconds.Value;
                leaseStartMs = nowMs;
                DomainNameServers = m.DomainNameServers;
                host.Configure(m.YourAddress, mask, m.Routers.Count > 0 ? m.Routers[0] : IPv4Address.Any);
                State = DhcpClientState.Bound;
                host.AnnounceAddress();
                Bound?.Invoke(this);
                break;
            case DhcpMessageType.Nak:
                // Back to INIT without an address; the next Poll restarts discovery (not at once, so a server that
                // always refuses cannot make the client loop inside one Receive call).
                if (State == DhcpClientState.Requesting || State == DhcpClientState.Renewing || State == DhcpClientState.Rebinding)
                {
                    host.Configure(IPv4Address.Any, IPv4Address.Any, IPv4Address.Any);
                    LeasedAddress = IPv4Address.Any;
                    State = DhcpClientState.Init;
                }
                break;
        }
    }

    // RFC 2131 leaves the mask to option 1; without it, fall back to the classful mask of the address.
    private static IPv4Address DefaultMask(IPv4Address a)
    {
        uint top = a.Value >> 24;
        if (top < 128) return new IPv4Address(0xFF00_0000u);
        if (top < 192) return new IPv4Address(0xFFFF_0000u);
        return new IPv4Address(0xFFFF_FF00u);
    }
}
