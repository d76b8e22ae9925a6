using System;
using System.Threading;
using Cosmos.Core;
using Cosmos.Core.Layout;
using Cosmos.Core.Memory;
using Cosmos.HAL.Interrupts;
using Cosmos.HAL.Network;

namespace Cosmos.HAL.Devices.Network
{
    /// <summary>
    /// Intel 8254x ("e1000") Gigabit Ethernet controller: the 82540EM that QEMU (i440FX default NIC, <c>-device e1000</c>)
    /// and VirtualBox present, the 82545EM of VMware's <c>e1000</c> and QEMU's <c>e1000-82545em</c>, the 82544GC of
    /// <c>e1000-82544gc</c>, and their siblings listed in <see cref="Handles"/>. Source: Intel "PCI/PCI-X Family of
    /// Gigabit Ethernet Controllers Software Developer's Manual" (317453), §14 (initialization), §3.2–3.4 (receive and
    /// transmit descriptors), §13 (registers).
    /// <para>
    /// Start: memory BAR0 mapped uncached, bus mastering on, every interrupt masked, a device reset (CTRL.RST), link
    /// set up (CTRL.SLU, ASDE), the MAC read from EEPROM words 0–2 through EERD (§5.3.1; RAL0/RAH0 — which the card loads
    /// from the same EEPROM at reset — when EERD does not answer, see <see cref="MacFromEeprom"/>) and written to RAL0/RAH0
    /// with Address Valid, the multicast table cleared, then a receive ring of <see cref="ReceiveDescriptors"/> legacy
    /// descriptors with 2048-byte buffers (RCTL: EN, BAM, SECRC, BSIZE 2048) and a transmit ring of
    /// <see cref="TransmitDescriptors"/> (TCTL: EN, PSP, CT 0Fh, COLD 40h full duplex; TIPG 0060200Ah), all in DMA memory
    /// below 4 GiB. Interrupts (RXT0, RXO, RXDMT0, LSC) arrive on the function's INTx# line (these cards have no MSI);
    /// the handler reads ICR (which acknowledges and drops the line) and wakes receivers. When the IRQ cannot be had,
    /// <see cref="NetworkDevice.InterruptError"/> says why and receivers poll.
    /// </para>
    /// Transmit copies each frame into its descriptor's buffer (EOP, IFCS, RS); a descriptor is reused once the card
    /// has set its DD bit. Receive copies the frame out and gives the descriptor back by moving RDT.
    /// </summary>
    public sealed unsafe class E1000 : NetworkDevice
    {
        // Registers (§13.4), byte offsets into BAR0.
        private const int CTRL = 0x0000, STATUS = 0x0008, EERD = 0x0014, ICR = 0x00C0, IMS = 0x00D0, IMC = 0x00D8,
            RCTL = 0x0100, TCTL = 0x0400, TIPG = 0x0410, RDBAL = 0x2800, RDBAH = 0x2804, RDLEN = 0x2808, RDH = 0x2810,
            RDT = 0x2818, RDTR = 0x2820, TDBAL = 0x3800, TDBAH = 0x3804, TDLEN = 0x3808, TDH = 0x3810, TDT = 0x3818,
            MPC = 0x4010, MTA = 0x5200, RAL0 = 0x5400, RAH0 = 0x5404;
        private const uint CtrlLrst = 1u << 3, CtrlAsde = 1u << 5, CtrlSlu = 1u << 6, CtrlIlos = 1u << 7, CtrlRst = 1u << 26,
            CtrlVme = 1u << 30, CtrlPhyRst = 1u << 31;
        private const uint StatusLu = 1u << 1;
        private const uint RctlEn = 1u << 1, RctlBam = 1u << 15, RctlSecrc = 1u << 26;
        private const uint TctlEn = 1u << 1, TctlPsp = 1u << 3, TctlCt = 0x0Fu << 4, TctlColdFullDuplex = 0x40u << 12;
        private const uint IcrTxdw = 1u << 0, IcrLsc = 1u << 2, IcrRxdmt0 = 1u << 4, IcrRxo = 1u << 6, IcrRxt0 = 1u << 7;
        private const uint RahAv = 1u << 31;
        // Descriptor fields (§3.2.3 receive, §3.3.3 legacy transmit).
        private const byte RxStatusDd = 1 << 0, RxStatusEop = 1 << 1;
        private const byte TxCmdEop = 1 << 0, TxCmdIfcs = 1 << 1, TxCmdRs = 1 << 3, TxStatusDd = 1 << 0;

        /// <summary>Receive descriptors (and 2048-byte buffers) in the ring.</summary>
        public const int ReceiveDescriptors = 256;
        /// <summary>Transmit descriptors (and 2048-byte buffers) in the ring.</summary>
        public const int TransmitDescriptors = 128;
        private const int BufferBytes = 2048;

        /// <summary>The PCI function.</summary>
        public readonly PCIDevice Pci;
        private ulong _mmio;
        private ulong _rxRing, _txRing, _rxBuffers, _txBuffers;
        private int _rxNext, _txNext;
        private MACAddress _mac;
        private int _irq = -1;

        // Cards by registration, for the shared INTx# handler (allocation-free in interrupt context).
        private static readonly E1000[] s_cards = new E1000[8];
        private static int s_cardCount;
        private static readonly int[] s_irqsOwned = { -1, -1, -1, -1 };

        /// <summary>A driver for <paramref name="pci"/> (touches no hardware).</summary>
        public E1000(PCIDevice pci)
            : base(string.Concat("e1000 ", (pci ?? throw new ArgumentNullException(nameof(pci))).Address.ToString()), DeviceStage.Drivers, 0, pci)
        {
            Pci = pci;
        }

        /// <summary>
        /// True for the Intel 8254x parts this driver knows (vendor 8086h): 82540EM/EP (100Eh, 1015h–1017h, 101Eh),
        /// 82544EI/GC (1008h, 1009h, 100Ch, 100Dh), 82545EM/GM (100Fh, 1011h, 1026h–1028h), 82546EB/GB (1010h, 1012h,
        /// 101Dh, 1079h–107Bh), and the 82574L (10D3h, QEMU's <c>e1000e</c>, q35's default NIC) in its legacy-descriptor
        /// mode. Tested on QEMU's 100Eh, 100Fh, 100Ch and 10D3h.
        /// </summary>
        public static bool Handles(PCIDevice pci)
        {
            if (pci.VendorID != 0x8086) return false;
            switch (pci.DeviceID)
            {
                case 0x100E: case 0x1015: case 0x1016: case 0x1017: case 0x101E:
                case 0x1008: case 0x1009: case 0x100C: case 0x100D:
                case 0x100F: case 0x1011: case 0x1026: case 0x1027: case 0x1028:
                case 0x1010: case 0x1012: case 0x101D: case 0x1079: case 0x107A: case 0x107B:
                case 0x10D3:                                                    // 82574L (QEMU's e1000e, q35's default NIC)
                    return true;
                default:
                    return false;
            }
        }

        /// <inheritdoc/>
        public override MACAddress MACAddress => _mac;

        /// <summary>True when the MAC came from the EEPROM through EERD; false when it was read from RAL0/RAH0 (which the card loaded from the EEPROM at reset).</summary>
        public bool MacFromEeprom { get; private set; }

        /// <summary>The ISA IRQ of the INTx# line in use, or −1 (polling).</summary>
        public int Irq => _irq;

        /// <inheritdoc/>
        public override bool LinkUp => _mmio != 0 && (Read(STATUS) & StatusLu) != 0;

        private uint Read(int reg) => Volatile.Read(ref *(uint*)(_mmio + (ulong)reg));
        private void Write(int reg, uint value) => Volatile.Write(ref *(uint*)(_mmio + (ulong)reg), value);

        private static ulong Now() => Native.Rdtsc();
        private static ulong Ms(ulong ms) => Deadline.Ticks(ms);

        /// <inheritdoc/>
        protected override bool OnStart(out string error)
        {
            var bar = Pci.BaseAddressBar.Length > 0 ? Pci.BaseAddressBar[0] : null;
            if (bar == null || !bar.IsMemory || bar.BaseAddress == 0) { error = "BAR0 is not an assigned memory BAR"; return false; }
            _mmio = Pci.MapMemoryBar(0);
            Pci.EnableBusMaster(true);

            Write(IMC, 0xFFFF_FFFF);
            Write(CTRL, Read(CTRL) | CtrlRst);                               // §14.5: global reset, self-clearing
            ulong deadline = Now() + Ms(100);
            do { Native.Pause(); } while ((Read(CTRL) & CtrlRst) != 0 && Now() < deadline);
            if ((Read(CTRL) & CtrlRst) != 0) { error = "the reset bit did not clear within 100 ms"; return false; }
            Write(IMC, 0xFFFF_FFFF);
            _ = Read(ICR);
            Write(CTRL, (Read(CTRL) | CtrlSlu | CtrlAsde) & ~(CtrlLrst | CtrlPhyRst | CtrlIlos | CtrlVme));

            Span<byte> mac = stackalloc byte[6];
            if (ReadEeprom(0, out ushort w0) && ReadEeprom(1, out ushort w1) && ReadEeprom(2, out ushort w2))
            {
                mac[0] = (byte)w0; mac[1] = (byte)(w0 >> 8); mac[2] = (byte)w1; mac[3] = (byte)(w1 >> 8); mac[4] = (byte)w2; mac[5] = (byte)(w2 >> 8);
                MacFromEeprom = true;
            }
            else
            {
                uint lo = Read(RAL0), hi = Read(RAH0);
                mac[0] = (byte)lo; mac[1] = (byte)(lo >> 8); mac[2] = (byte)(lo >> 16); mac[3] = (byte)(lo >> 24); mac[4] = (byte)hi; mac[5] = (byte)(hi >> 8);
            }
            _mac = new MACAddress(mac);
            if (!_mac.IsValid()) { error = "the EEPROM holds no valid MAC address (" + _mac.ToString() + ")"; return false; }
            Write(RAL0, (uint)(mac[0] | mac[1] << 8 | mac[2] << 16 | mac[3] << 24));
            Write(RAH0, (uint)(mac[4] | mac[5] << 8) | RahAv);
            for (int i = 0; i < 128; i++) Write(MTA + 4 * i, 0);

            if (_rxRing == 0)
            {
                _rxRing = DmaMemory.Allocate(ReceiveDescriptors * 16);
                _txRing = DmaMemory.Allocate(TransmitDescriptors * 16);
                _rxBuffers = DmaMemory.Allocate(ReceiveDescriptors * BufferBytes);
                _txBuffers = DmaMemory.Allocate(TransmitDescriptors * BufferBytes);
                if (_rxRing == 0 || _txRing == 0 || _rxBuffers == 0 || _txBuffers == 0) { error = "no DMA memory for the rings"; return false; }
            }
            for (int i = 0; i < ReceiveDescriptors; i++)
            {
                ulong* d = (ulong*)(_rxRing + 16 * (ulong)i);
                d[0] = _rxBuffers + (ulong)(i * BufferBytes);
                d[1] = 0;
            }
            for (int i = 0; i < TransmitDescriptors; i++)
            {
                ulong* d = (ulong*)(_txRing + 16 * (ulong)i);
                d[0] = _txBuffers + (ulong)(i * BufferBytes);
                d[1] = (ulong)TxStatusDd << 32;                              // free
            }
            _rxNext = 0; _txNext = 0;
            Write(RDBAL, (uint)_rxRing); Write(RDBAH, (uint)(_rxRing >> 32));
            Write(RDLEN, ReceiveDescriptors * 16);
            Write(RDH, 0);
            Write(RDT, ReceiveDescriptors - 1);
            Write(RDTR, 0);
            Write(TDBAL, (uint)_txRing); Write(TDBAH, (uint)(_txRing >> 32));
            Write(TDLEN, TransmitDescriptors * 16);
            Write(TDH, 0);
            Write(TDT, 0);
            Write(TIPG, 0x0060_200A);
            Write(TCTL, TctlEn | TctlPsp | TctlCt | TctlColdFullDuplex);
            Write(RCTL, RctlEn | RctlBam | RctlSecrc);                      // BSIZE 00b = 2048 bytes, no long packets

            SetUpInterrupt();
            error = null;
            return true;
        }

        /// <summary>
        /// Reads EEPROM word <paramref name="address"/> through EERD (START bit 0, DONE bit 4, address bits 15:8, data
        /// 31:16; 8254x manual §13.4.4 — the 82574L moved DONE to bit 1 and the address to bits 15:2, 82574 datasheet
        /// §10.2.2.5); false after 10 ms without DONE.
        /// </summary>
        private bool ReadEeprom(int address, out ushort value)
        {
            bool i82574 = Pci.DeviceID == 0x10D3;
            Write(EERD, (uint)address << (i82574 ? 2 : 8) | 1);
            uint done = i82574 ? 1u << 1 : 1u << 4;
            ulong deadline = Now() + Ms(10);
            uint v;
            while (((v = Read(EERD)) & done) == 0)
            {
                if (Now() > deadline) { value = 0; return false; }
                Native.Pause();
            }
            value = (ushort)(v >> 16);
            return true;
        }

        private void SetUpInterrupt()
        {
            if (_irq >= 0) { Write(IMS, IcrRxt0 | IcrRxo | IcrRxdmt0 | IcrLsc); return; }
            int irq = Pci.LegacyIrq;
            if (irq < 0) { InterruptError = "no INTx# line routed"; return; }
            if (InterruptController.Mode == InterruptControllerMode.None) { InterruptError = "no interrupt controller"; return; }
            lock (s_cards)
            {
                if (s_cardCount == s_cards.Length) { InterruptError = "too many e1000 cards for the shared handler"; return; }
                int owned = Array.IndexOf(s_irqsOwned, irq);
                if (owned < 0)
                {
                    int free = Array.IndexOf(s_irqsOwned, -1);
                    if (free < 0) { InterruptError = "the e1000 handler already serves 4 IRQs"; return; }
                    try { Pci.SetLegacyInterruptHandler(&OnInterrupt); }
                    catch (InvalidOperationException e) { InterruptError = e.Message; return; }
                    s_irqsOwned[free] = irq;
                }
                else Pci.DisableLegacyInterrupt(false);
                s_cards[s_cardCount++] = this;
            }
            _irq = irq;
            Write(IMS, IcrRxt0 | IcrRxo | IcrRxdmt0 | IcrLsc);
        }

        /// <summary>INTx# handler shared by every e1000 on every IRQ they use (up to 4): reads (and so acknowledges) each card's ICR, counts, wakes receivers. No allocation.</summary>
        private static void OnInterrupt(InterruptFrame* frame)
        {
            for (int i = 0; i < s_cardCount; i++)
            {
                var c = s_cards[i];
                if (c == null || c._mmio == 0) continue;
                uint icr = c.Read(ICR);
                if (icr == 0) continue;
                c.Statistics.Interrupts++;
                if ((icr & IcrLsc) != 0) c.Statistics.LinkChanges++;
                if ((icr & IcrRxo) != 0) c.Statistics.ReceiveOverruns++;
                if ((icr & (IcrRxt0 | IcrRxo | IcrRxdmt0)) != 0) c.SignalReceive();
            }
        }

        /// <inheritdoc/>
        protected override bool FramePending
        {
            get
            {
                byte* d = (byte*)(_rxRing + 16 * (ulong)_rxNext);
                return (Volatile.Read(ref d[12]) & RxStatusDd) != 0;
            }
        }

        /// <inheritdoc/>
        protected override bool ReceiveRingFull
        {
            get
            {
                int last = (_rxNext + ReceiveDescriptors - 2) % ReceiveDescriptors;   // the hardware keeps one descriptor back (RDT)
                byte* d = (byte*)(_rxRing + 16 * (ulong)last);
                return FramePending && (Volatile.Read(ref d[12]) & RxStatusDd) != 0;
            }
        }

        /// <inheritdoc/>
        protected override bool TransmitRingFull
        {
            get
            {
                byte* d = (byte*)(_txRing + 16 * (ulong)_txNext);
                return (Volatile.Read(ref d[12]) & TxStatusDd) == 0;
            }
        }

        /// <inheritdoc/>
        protected override int ReceiveFrame(Span<byte> buffer)
        {
            while (true)
            {
                byte* d = (byte*)(_rxRing + 16 * (ulong)_rxNext);
                byte status = Volatile.Read(ref d[12]);
                if ((status & RxStatusDd) == 0) return 0;
                Thread.MemoryBarrier();
                int length = *(ushort*)(d + 8);
                byte errors = d[13];
                int n = 0;
                if ((status & RxStatusEop) == 0 || errors != 0 || length < 14 || length > MaxFrameLength)
                    Statistics.ReceiveErrors++;                                 // bad CRC/symbol/length, or a frame split over buffers
                else
                {
                    new ReadOnlySpan<byte>((void*)(_rxBuffers + (ulong)(_rxNext * BufferBytes)), length).CopyTo(buffer);
                    n = length;
                }
                Volatile.Write(ref d[12], (byte)0);
                Write(RDT, (uint)_rxNext);                                      // give the descriptor back
                _rxNext = (_rxNext + 1) % ReceiveDescriptors;
                if (n > 0) return n;
            }
        }

        /// <inheritdoc/>
        protected override bool SendFrame(ReadOnlySpan<byte> frame)
        {
            byte* d = (byte*)(_txRing + 16 * (ulong)_txNext);
            if ((Volatile.Read(ref d[12]) & TxStatusDd) == 0) return false;
            frame.CopyTo(new Span<byte>((void*)(_txBuffers + (ulong)(_txNext * BufferBytes)), BufferBytes));
            *(ushort*)(d + 8) = (ushort)frame.Length;                          // length
            d[10] = 0;                                                          // CSO
            d[11] = TxCmdEop | TxCmdIfcs | TxCmdRs;                             // CMD
            d[13] = 0;                                                          // CSS
            *(ushort*)(d + 14) = 0;                                             // special
            Volatile.Write(ref d[12], (byte)0);                                 // status: the card sets DD when done
            Thread.MemoryBarrier();
            _txNext = (_txNext + 1) % TransmitDescriptors;
            Write(TDT, (uint)_txNext);
            return true;
        }

        /// <summary>"e1000 00:03.0 (Network, Started): 52:54:00:12:34:56, link up, IRQ 11".</summary>
        public override string ToString() => _irq >= 0 ? string.Concat(base.ToString(), ", IRQ ", _irq.ToString()) : base.ToString();

        /// <summary>Frames the card dropped for lack of receive buffers since the last call (MPC, cleared on read; §13.7).</summary>
        public uint ReadMissedPackets() => _mmio == 0 ? 0 : Read(MPC);
    }
}
