using Cosmos.HAL;
using Xunit;

namespace Cosmos.HAL.Tests
{
    /// <summary>The 8042 configuration byte the PS/2 controller driver writes.</summary>
    public class PS2ControllerTests
    {
        [Theory]
        [InlineData(0x47, 0x64)]   // typical BIOS config: IRQ1 on, sysflag, translation, port 2 irq on -> irqs off, port 2 clock off
        [InlineData(0x00, 0x60)]
        [InlineData(0xFF, 0xEC)]
        [InlineData(0x30, 0x60)]   // both clocks disabled -> port 1 clock enabled
        public void Ps2_ConfigByte(byte current, byte expected)
        {
            Assert.Equal(expected, PS2Controller.MakeConfig(current));
        }
    }
}
