using System;
using System.Threading;
using Cosmos.Core;
using Cosmos.HAL;
using Cosmos.HAL.Devices.Storage;
using Cosmos.HAL.Interrupts;
using Cosmos.TestRunner;

namespace StorageIntxTests
{
    /// <summary>
    /// AHCI and virtio-blk on their legacy INTx# lines (qemu-args.txt): the AHCI at 00:04.0 has MSI turned off for it
    /// by fw_cfg <c>opt/cosmos/pci-nomsi</c> (QEMU's ich9-ahci always offers MSI), the virtio-blk devices at 00:05.0
    /// (modern interface) and 00:08.0 (legacy interface) have no MSI-X (<c>vectors=0</c>). Each must still complete its
    /// requests by interrupts (not by the 10 ms re-check slices), also while two of them run at once on one shared line.
    /// A level-triggered line can fold two completions into one interrupt (the waiter may see a completion in the used
    /// ring before QEMU raises the line, and issue the next request while it is still raised), so the cases ask for at
    /// least one interrupt per two requests and at most 1 in 10 waits ended by the slice; with the handler missing
    /// there are none and every sleeping wait ends by the slice.
    /// Pattern of sector L as in StorageTests (DiskImages.FillSector).
    /// </summary>
    public sealed class Kernel : TestKernel
    {
        private static AhciController Ahci() => PCI.GetDeviceAt(0, 4, 0)?.Driver as AhciController;
        private static AhciDisk AhciDisk0() => DeviceRegistry.Find("AHCI 00:04.0 port 0") as AhciDisk;
        private static VirtioBlock Virtio(int slot) => PCI.GetDeviceAt(0, slot, 0)?.Driver as VirtioBlock;

        private static string CheckPattern(ulong lba, ReadOnlySpan<byte> data)
        {
            for (int s = 0; s < data.Length / 512; s++)
            {
                int bad = Cosmos.TestCases.StoragePattern.Mismatch(lba + (ulong)s, data.Slice(s * 512, 512));
                if (bad >= 0) return "sector " + (lba + (ulong)s) + " differs from the pattern at byte " + bad;
            }
            return null;
        }

        private void Case(string name, Action body) => Test(name, () =>
        {
            try { body(); }
            catch (Exception e) { Fail("unexpected " + e.GetType().Name + ": " + e.Message); }
        });

        /// <summary>
        /// <paramref name="rounds"/> × (read 64 sectors and check them, write 8 sectors back with what they hold) on
        /// <paramref name="dev"/>, from LBA <paramref name="lba"/>; null when all went well, else what failed.
        /// </summary>
        private static string Exercise(Cosmos.HAL.BlockDevice.BlockDevice dev, ulong lba, int rounds)
        {
            var buf = new byte[64 * 512];
            for (int r = 0; r < rounds; r++)
            {
                ulong at = lba + (ulong)(r * 64);
                dev.Read(at, buf);
                string bad = CheckPattern(at, buf);
                if (bad != null) return dev.Name + ": " + bad;
                dev.Write(at, buf.AsSpan(0, 8 * 512));
            }
            dev.Flush();
            return null;
        }

        protected override void RunTests()
        {
            Line("interrupt controller " + InterruptController.Mode);

            Case("AHCI at 00:04.0 without MSI: interrupts on its INTx# line", () =>
            {
                var c = Ahci();
                True(c != null && c.IsStarted, "a started AhciController at 00:04.0 (" + (c?.StartError ?? "none") + ")");
                if (c == null) return;
                True(c.Pci.MsiDisabled, "MSI disabled by fw_cfg opt/cosmos/pci-nomsi");
                Equal(-1, c.MsiVector, "no MSI vector");
                True(c.LegacyIrq >= 0, "an INTx# IRQ (" + c.InterruptError + ")");
                Line("ahci 00:04.0: Interrupt Pin " + (int)c.Pci.InterruptPIN + ", Line " + c.Pci.InterruptLine + ", IRQ " + c.LegacyIrq + " (" + c.InterruptError + "); handlers on the line " + InterruptController.SharedHandlerCount(c.LegacyIrq));
                var d = AhciDisk0();
                True(d != null && d.IsStarted, "a started disk at port 0");
                if (d == null || !d.IsStarted) return;
                True(d.Port.InterruptsEnabled, "port interrupts on");
                ulong i0 = d.Port.InterruptCount, c0 = d.Port.CommandsIssued, l0 = d.Port.LostInterrupts;
                string err = Exercise(d, 100, 40);
                if (err != null) Fail(err);
                ulong commands = d.Port.CommandsIssued - c0, irqs = d.Port.InterruptCount - i0, lost = d.Port.LostInterrupts - l0;
                Line("ahci: " + commands + " commands, " + irqs + " interrupts, " + lost + " sleeps ended by the 10 ms slice");
                True(irqs * 2 >= commands, "commands completed by interrupts (" + irqs + " for " + commands + ")");
                True(lost * 10 <= commands, "at most 1 in 10 waits ended by the slice (" + lost + " of " + commands + ")");
                var big = new byte[4 * 1024 * 1024];
                i0 = d.Port.InterruptCount;
                d.Read(8192, big);
                True(d.Port.InterruptCount > i0, "a 4 MiB read completed by an interrupt");
                string bad = CheckPattern(8192, big);
                if (bad != null) Fail("4 MiB read: " + bad);
            });

            foreach (int slot in new[] { 5, 8 })
            {
                Case("virtio-blk at 00:0" + slot + ".0 with vectors=0: interrupts on its INTx# line", () =>
                {
                    var v = Virtio(slot);
                    True(v != null && v.IsStarted, "a started VirtioBlock at 00:0" + slot + ".0 (" + (v?.StartError ?? "none") + ")");
                    if (v == null || !v.IsStarted) return;
                    Equal(-1, v.MsixVector, "no MSI-X vector");
                    True(v.LegacyIrq >= 0, "an INTx# IRQ (" + v.InterruptError + ")");
                    Equal(8UL * 1024 * 1024 / 512, v.BlockCount, "capacity read at the short legacy header's 14h" + (v.Interface == "legacy" ? "" : " (modern: device configuration window)"));
                    Line("virtio 00:0" + slot + ".0 " + v.Interface + ": Interrupt Pin " + (int)v.Pci.InterruptPIN + ", Line " + v.Pci.InterruptLine + ", IRQ " + v.LegacyIrq + " (" + v.InterruptError + "); handlers on the line " + InterruptController.SharedHandlerCount(v.LegacyIrq));
                    ulong i0 = v.InterruptCount, r0 = v.RequestsIssued, l0 = v.LostInterrupts;
                    string err = Exercise(v, 200, 40);
                    if (err != null) Fail(err);
                    ulong requests = v.RequestsIssued - r0, irqs = v.InterruptCount - i0, lost = v.LostInterrupts - l0;
                    Line("virtio 00:0" + slot + ".0: " + requests + " requests, " + irqs + " interrupts, " + lost + " sleeps ended by the 10 ms slice");
                    True(irqs * 2 >= requests, "requests completed by interrupts (" + irqs + " for " + requests + ")");
                    True(lost * 10 <= requests, "at most 1 in 10 waits ended by the slice (" + lost + " of " + requests + ")");
                });
            }

            Case("two drivers on one shared INTx# line, busy at the same time, each woken by its own device", () =>
            {
                var d = AhciDisk0();
                var devices = new Cosmos.HAL.BlockDevice.BlockDevice[] { d, Virtio(5), Virtio(8) };
                int[] irqs = { Ahci()?.LegacyIrq ?? -1, Virtio(5)?.LegacyIrq ?? -1, Virtio(8)?.LegacyIrq ?? -1 };
                int a = -1, b = -1;
                for (int i = 0; i < 3 && a < 0; i++)
                    for (int j = i + 1; j < 3; j++)
                        if (irqs[i] >= 0 && irqs[i] == irqs[j]) { a = i; b = j; break; }
                Line("INTx# IRQs: ahci " + irqs[0] + ", virtio 00:05.0 " + irqs[1] + ", virtio 00:08.0 " + irqs[2]);
                True(a >= 0, "two of the devices share a line (slots 4 and 8 share a PIRQ)");
                if (a < 0) return;
                True(InterruptController.SharedHandlerCount(irqs[a]) >= 2, "the line runs a chain of handlers (" + InterruptController.SharedHandlerCount(irqs[a]) + ")");
                ulong Count(int k) => k == 0 ? d.Port.InterruptCount : ((VirtioBlock)devices[k]).InterruptCount;
                ulong Lost(int k) => k == 0 ? d.Port.LostInterrupts : ((VirtioBlock)devices[k]).LostInterrupts;
                ulong ia = Count(a), ib = Count(b), la = Lost(a), lb = Lost(b);
                string errA = "not run", errB = "not run";
                var ta = new Thread(() => errA = Exercise(devices[a], 1000, 60));
                var tb = new Thread(() => errB = Exercise(devices[b], 1000, 60));
                ta.Start(); tb.Start();
                ta.Join(); tb.Join();
                if (errA != null) Fail(devices[a].Name + ": " + errA);
                if (errB != null) Fail(devices[b].Name + ": " + errB);
                Line(devices[a].Name + ": " + (Count(a) - ia) + " interrupts, " + (Lost(a) - la) + " slice ends; " + devices[b].Name + ": " + (Count(b) - ib) + " interrupts, " + (Lost(b) - lb) + " slice ends");
                // 60 reads + 60 writes + 1 flush each.
                True((Count(a) - ia) * 2 >= 121, devices[a].Name + " woken by its interrupts (" + (Count(a) - ia) + " for 121)");
                True((Count(b) - ib) * 2 >= 121, devices[b].Name + " woken by its interrupts (" + (Count(b) - ib) + " for 121)");
                True((Lost(a) - la) * 10 <= 121 && (Lost(b) - lb) * 10 <= 121, "at most 1 in 10 waits ended by the slice");
            });
        }
    }
}
