using System.Linq;
using Cosmos.Build.Testing;
using Xunit;

namespace Cosmos.Build.Tests
{
    public class SerialProtocolTests
    {
        private static SerialProtocol Feed(params string[] lines)
        {
            var p = new SerialProtocol();
            foreach (var l in lines) p.Feed(l);
            return p;
        }

        [Fact]
        public void PassAndFailAreReportedWithNames()
        {
            var p = Feed("##cosmos-test start a", "##cosmos-test pass a", "##cosmos-test start b", "##cosmos-test fail b: expected <1> but got <2>", "##cosmos-test done");
            Assert.True(p.Done);
            Assert.Equal(new[] { ("a", true), ("b", false) }, p.Results.Select(r => (r.Name, r.Passed)));
            Assert.Equal("expected <1> but got <2>", p.Results[1].Message);
        }

        /// <summary>A screenshot request inside a running case is queued for the runner and does not end the case.</summary>
        [Fact]
        public void ScreenshotRequestsAreQueuedWithoutEndingTheCase()
        {
            var p = Feed("##cosmos-test start scene", TestRunner.TestProtocol.ScreenshotLine("bga-shapes", "../GraphicsTests/expected/shapes.png"));
            Assert.Equal("scene", p.Running);
            Assert.True(p.TryTakeScreenshotRequest(out var name, out var expected));
            Assert.Equal(("bga-shapes", "../GraphicsTests/expected/shapes.png"), (name, expected));
            Assert.False(p.TryTakeScreenshotRequest(out _, out _));
            p.Feed("##cosmos-test pass scene");
            Assert.Equal(new[] { ("scene", true) }, p.Results.Select(r => (r.Name, r.Passed)));
        }

        /// <summary>grub.cfg: the default leaves BIOS in VGA text and UEFI in its GOP mode; a size is asked of both; anything else is an error.</summary>
        [Fact]
        public void GrubConfigSetsTheGraphicsMode()
        {
            string text = Steps.IsoStep.GrubConfig();
            Assert.Contains("multiboot2 /boot/kernel.elf\n  if [ \"$grub_platform\" = \"efi\" ]; then set gfxpayload=auto; else set gfxpayload=text; fi\n  boot", text);
            Assert.Contains("insmod efi_gop", text);
            Assert.Contains("insmod vbe", text);
            Assert.Contains("  set gfxpayload=1024x768x32\n  boot", Steps.IsoStep.GrubConfig("1024x768x32"));
            Assert.Contains("  set gfxpayload=640x480\n", Steps.IsoStep.GrubConfig("640x480"));
            foreach (var bad in new[] { "1024x768x33", "big", "1024x", "0x0", "1024x768; reboot" })
                Assert.Equal("COSMOS062", Assert.Throws<Toolchain.BuildStepException>(() => Steps.IsoStep.GrubConfig(bad)).Code);
        }

        [Fact]
        public void KnownFailuresAreNeitherPassesNorFailures()
        {
            var p = Feed("##cosmos-test start cast: literal", "##cosmos-test known cast: literal: known JIT defect; observed <1>",
                         "##cosmos-test start b", "##cosmos-test fail b: boom", "##cosmos-test done");
            Assert.Equal(new[] { ("cast: literal", false, true, false), ("b", false, false, true) },
                p.Results.Select(r => (r.Name, r.Passed, r.Known, r.Failed)));
            Assert.Equal("known JIT defect; observed <1>", p.Results[0].Message);
        }

        [Fact]
        public void NamesContainingColonSpaceAreKeptWhole()
        {
            var p = Feed("##cosmos-test start floating point: conversions", "##cosmos-test pass floating point: conversions",
                         "##cosmos-test start time zones: Local is UTC", "##cosmos-test fail time zones: Local is UTC: expected <UTC> but got <X>: y",
                         "##cosmos-test done");
            Assert.Equal(new[] { ("floating point: conversions", true), ("time zones: Local is UTC", false) }, p.Results.Select(r => (r.Name, r.Passed)));
            Assert.Equal("expected <UTC> but got <X>: y", p.Results[1].Message);
        }

        [Fact]
        public void ExpectedPanicPassesOnlyWithMatchingText()
        {
            var ok = Feed("##cosmos-test expect-panic t: Unhandled exception: System.X", "!!! PANIC: Unhandled exception: System.X: msg", "System halted.");
            Assert.True(ok.Results.Single().Passed);
            var wrong = Feed("##cosmos-test expect-panic t: Unhandled exception: System.X", "!!! PANIC: something else", "System halted.");
            Assert.False(wrong.Results.Single().Passed);
        }

        [Fact]
        public void RebootingPanicIsCompleteOnlyWhenQemuExitsWithZero()
        {
            string[] report = { "##cosmos-test expect-panic t: Rebooting.", "!!! PANIC: Unhandled exception: System.X: m", "Rebooting." };
            var reset = Feed(report);
            Assert.False(reset.PanicComplete);
            Assert.Empty(reset.Results);
            reset.Exited(0);
            reset.Finish("kernel halted after a panic");
            Assert.True(reset.PanicComplete);
            Assert.True(Assert.Single(reset.Results).Passed);

            var badStatus = Feed(report);
            badStatus.Exited(3);
            badStatus.Finish("QEMU exited with code 3");
            Assert.Contains(badStatus.Results, r => r.Name == "t" && !r.Passed && r.Message.Contains("status 3"));

            var hung = Feed(report);
            hung.Finish("timed out after 240 s");
            Assert.Contains(hung.Results, r => r.Name == "t" && !r.Passed && r.Message.Contains("did not reset"));
        }

        [Fact]
        public void UnexpectedPanicFailsTheRunningTest()
        {
            var p = Feed("##cosmos-test start t", "garbage", "!!! PANIC: not supported yet: X", "System halted.");
            var r = Assert.Single(p.Results);
            Assert.Equal("t", r.Name);
            Assert.False(r.Passed);
            Assert.Contains("not supported yet: X", r.Message);
        }

        [Fact]
        public void KernelStoppingWithoutDoneFailsTheRunningTest()
        {
            var p = Feed("##cosmos-test start t");
            p.Finish("QEMU exited with code 0 before the kernel reported done");
            Assert.False(p.Results.Single().Passed);
        }

        [Fact]
        public void ExpectSerialLineIsMatchedAfterAnsiEscapes()
        {
            var p = Feed("##cosmos-test expect-serial out: hello 42", "\u001b[92mhello 42", "\u001b[0m##cosmos-test done");
            Assert.True(p.Done);
            Assert.True(p.Results.Single().Passed);
            var missing = Feed("##cosmos-test expect-serial out: hello 42", "##cosmos-test done");
            Assert.False(missing.Results.Single().Passed);
        }
    }
}
