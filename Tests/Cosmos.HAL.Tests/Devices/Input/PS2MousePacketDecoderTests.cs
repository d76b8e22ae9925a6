using Cosmos.HAL.Devices.Input;
using Xunit;

namespace Cosmos.HAL.Tests.Devices.Input
{
    /// <summary>PS/2 mouse packets: signs, overflow, buttons, the wheel byte, resynchronisation.</summary>
    public class PS2MousePacketDecoderTests
    {
        private static (bool Done, int Dx, int Dy, int Dz, PS2MouseButtons B) FeedAll(PS2MousePacketDecoder d, params byte[] bytes)
        {
            (bool, int, int, int, PS2MouseButtons) last = default;
            foreach (var b in bytes) last = (d.Feed(b, out int x, out int y, out int z, out var btn), x, y, z, btn);
            return last;
        }

        [Fact]
        public void ThreeBytePacketsCarrySignedMovesAndButtons()
        {
            var d = new PS2MousePacketDecoder();
            Assert.Equal((true, 5, 3, 0, PS2MouseButtons.None), FeedAll(d, 0x08, 5, 3));
            Assert.Equal((true, -51, -37, 0, PS2MouseButtons.Left), FeedAll(d, 0x08 | 0x10 | 0x20 | 0x01, unchecked((byte)-51), unchecked((byte)-37)));
            Assert.Equal((true, 0, 0, 0, PS2MouseButtons.Right | PS2MouseButtons.Middle), FeedAll(d, 0x0E, 0, 0));
        }

        [Fact]
        public void OverflowDropsTheAxisMovement()
        {
            var d = new PS2MousePacketDecoder();
            Assert.Equal((true, 0, 7, 0, PS2MouseButtons.None), FeedAll(d, 0x08 | 0x40, 200, 7));
            Assert.Equal((true, 9, 0, 0, PS2MouseButtons.None), FeedAll(d, 0x08 | 0x80, 9, 200));
        }

        [Fact]
        public void WheelMiceSendAFourthByteWithASigned4BitMove()
        {
            var d = new PS2MousePacketDecoder { HasWheel = true };
            Assert.False(FeedAll(d, 0x08, 1, 1).Done);
            Assert.Equal((true, 1, 1, -1, PS2MouseButtons.None), FeedAll(d, 0x0F));
            Assert.Equal((true, 0, 0, 2, PS2MouseButtons.None), FeedAll(d, 0x08, 0, 0, 0x02));
        }

        [Fact]
        public void ABytesWithoutTheAlwaysOneBitIsSkippedUntilAPacketStarts()
        {
            var d = new PS2MousePacketDecoder();
            Assert.False(FeedAll(d, 0x00, 0x37).Done);
            Assert.Equal(2, d.Resyncs);
            Assert.Equal((true, 4, 0, 0, PS2MouseButtons.None), FeedAll(d, 0x08, 4, 0));
        }
    }
}

namespace Cosmos.HAL.Tests.Devices.Input
{
    /// <summary>VMware backdoor absolute pointer packets (4 words: flags/buttons, X, Y, wheel).</summary>
    public class VmwareBackdoorMouseTests
    {
        [Fact]
        public void PacketsGivePositionButtonsAndWheel()
        {
            VmwareBackdoorMouse.Decode(0x20, 0x1A00, 0xFFFF, 0xFF, out int x, out int y, out int dz, out var b);
            Assert.Equal((0x1A00, 0xFFFF, -1, PS2MouseButtons.Left), (x, y, dz, b));
            VmwareBackdoorMouse.Decode(0x18, 0x12345, 0, 2, out x, out y, out dz, out b);
            Assert.Equal((0x2345, 0, 2, PS2MouseButtons.Right | PS2MouseButtons.Middle), (x, y, dz, b));
        }
    }
}
