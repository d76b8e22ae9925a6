using System;
using System.Collections.Generic;
using Cosmos.Core;
using Cosmos.Core.Memory;
using Cosmos.HAL;
using Cosmos.TestRunner;

namespace UefiBootTests
{
    public sealed unsafe class Kernel : TestKernel
    {
        protected override void RunTests()
        {
            Test("booted by GRUB from UEFI firmware", () =>
            {
                True(Multiboot2.FindTag(Multiboot2.TagEfi64) != null, "Multiboot2 EFI64 system table tag present");
                True(PhysicalMemory.TotalUsable > (200UL << 20), "memory map from UEFI");
            });
            Test("VGA text mode is reported unavailable", () => True(!TextScreen.IsAvailable, "TextScreen.IsAvailable is false"));
            Test("the console draws on GRUB's GOP framebuffer", () =>
            {
                var fc = Cosmos.System.ConsoleIO.ConsoleDevice.FramebufferConsole;
                True(fc != null, "ConsoleDevice.FramebufferConsole (" + Cosmos.HAL.Devices.Graphics.Multiboot2Framebuffer.Instance.StartError + ")");
                if (fc == null) return;
                Line("GOP mode " + fc.Framebuffer.CurrentMode + " (" + Cosmos.HAL.Devices.Graphics.Multiboot2Framebuffer.Instance.Tag + "): console of " + fc.Columns + " x " + fc.Rows + " cells");
                Equal(fc.Columns, Console.WindowWidth, "Console.WindowWidth");
                Equal(fc.Rows, Console.WindowHeight, "Console.WindowHeight");
            });
            ExpectSerialLine("Console output reaches COM1", "hello from UEFI 7");
            Test("Console output without VGA", () => Console.WriteLine($"hello from UEFI {3 + 4}"));
            Test("heap and collections", () =>
            {
                var d = new Dictionary<int, string>();
                for (int i = 0; i < 1000; i++) d[i] = i.ToString();
                Equal("999", d[999], "lookup");
            });
            Test("ACPI RSDP from the Multiboot2 tag", () => True(ACPI.IsAvailable && ACPI.RsdpSource != null, "ACPI found via " + ACPI.RsdpSource));
        }
    }
}
