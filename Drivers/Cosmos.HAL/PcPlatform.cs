using Cosmos.HAL.Devices.Graphics;
using Cosmos.HAL.Devices.Network;
using Cosmos.HAL.Devices.Storage;
using Cosmos.HAL.Devices.Timers;
using Cosmos.HAL.Interrupts;

namespace Cosmos.HAL
{
    /// <summary>
    /// The devices every PC-compatible machine has at fixed addresses, registered in <see cref="DeviceRegistry"/> so
    /// that <see cref="DeviceRegistry.StartAll"/> brings them up in their stages. What each registers and when it
    /// starts (stage, order inside the stage):
    /// <list type="table">
    /// <item><term>COM1</term><description>16550 at 0x3F8; <see cref="DeviceStage.Console"/>.</description></item>
    /// <item><term>PIT</term><description>8254; <see cref="DeviceStage.Clocks"/> 0 (nothing to set up).</description></item>
    /// <item><term>TSC</term><description>calibrated against the PIT; <see cref="DeviceStage.Clocks"/> 10.</description></item>
    /// <item><term>RTC</term><description>CMOS clock; <see cref="DeviceStage.Clocks"/> 20 (nothing to set up).</description></item>
    /// <item><term>ACPI</term><description>tables; <see cref="DeviceStage.Firmware"/>.</description></item>
    /// <item><term>8042 PS/2 controller</term><description>on demand (its keyboard starts it).</description></item>
    /// <item><term>PS/2 keyboard</term><description><see cref="DeviceStage.Platform"/>.</description></item>
    /// <item><term>Interrupt controller</term><description><see cref="DeviceStage.InterruptControllers"/> (interrupts off);
    /// it starts the 8259 pair and the local APIC and registers the I/O APICs.</description></item>
    /// <item><term>8259 PIC pair, Local APIC, Local APIC timer</term><description>on demand.</description></item>
    /// <item><term>PCI</term><description><see cref="DeviceStage.Buses"/>; registers one <see cref="PCIDevice"/> per function
    /// and binds the declared PCI drivers to them.</description></item>
    /// <item><term>PCI drivers</term><description>declared here (<see cref="PCI.RegisterDriver"/>): IDE controllers (class
    /// 01h/01h) get an <see cref="AtaController"/>, AHCI HBAs (01h/06h/01h) an <see cref="AhciController"/> (both
    /// <see cref="DeviceStage.Drivers"/>), which register and start their disks and ATAPI drives; virtio block devices
    /// (1AF4:1001) are a <see cref="VirtioBlock"/> each; Intel 8254x NICs an <see cref="E1000"/>, virtio network devices (1AF4:1000) a <see cref="VirtioNet"/>;
    /// the Bochs/QEMU display adapter (1234:1111) a <see cref="BochsVbe"/> and VMware SVGA II (15AD:0405) a <see cref="VmwareSvga2"/>, both
    /// started on demand (by Cosmos.System's FullScreenCanvas: starting one changes the screen mode).</description></item>
    /// <item><term>Multiboot2 framebuffer</term><description>the boot loader's framebuffer (<see cref="Multiboot2Framebuffer"/>); on demand.</description></item>
    /// </list>
    /// The VGA text screen is registered by the console when it draws on it.
    /// </summary>
    public static class PcPlatform
    {
        /// <summary>Registers the devices above (those already registered are skipped). Touches no hardware.</summary>
        public static void RegisterDevices()
        {
            SerialPort.RegisterCom1();
            Add(PIT.Instance);
            Add(TSC.Instance);
            Add(RTC.Instance);
            Add(ACPI.Instance);
            Add(PS2Controller.Instance);
            Add(PS2Keyboard.Instance);
            Add(Devices.Input.PS2Mouse.Instance);
            Add(Devices.Input.VmwareBackdoorMouse.Instance);
            Add(InterruptController.Instance);
            Add(PIC.Instance);
            Add(LocalAPIC.Instance);
            Add(APICTimer.Instance);
            Add(PCI.Instance);
            PCI.RegisterDriver("IDE", AtaController.Handles, CreateAtaController);
            PCI.RegisterDriver("AHCI", AhciController.Handles, CreateAhciController);
            PCI.RegisterDriver("virtio-blk", VirtioBlock.Handles, CreateVirtioBlock);
            PCI.RegisterDriver("e1000", E1000.Handles, CreateE1000);
            PCI.RegisterDriver("virtio-net", VirtioNet.Handles, CreateVirtioNet);
            PCI.RegisterDriver("BGA", BochsVbe.Handles, CreateBochsVbe);
            PCI.RegisterDriver("SVGA II", VmwareSvga2.Handles, CreateVmwareSvga2);
            Add(Multiboot2Framebuffer.Instance);
        }

        private static Device CreateBochsVbe(PCIDevice f) => new BochsVbe(f);
        private static Device CreateVmwareSvga2(PCIDevice f) => new VmwareSvga2(f);

        private static Device CreateE1000(PCIDevice f) => new E1000(f);
        private static Device CreateVirtioNet(PCIDevice f) => new VirtioNet(f);
        private static Device CreateVirtioBlock(PCIDevice f) => new VirtioBlock(f);

        private static Device CreateAtaController(PCIDevice f) => new AtaController(f);
        private static Device CreateAhciController(PCIDevice f) => new AhciController(f);

        private static void Add(Device d)
        {
            if (!d.IsRegistered) DeviceRegistry.Register(d);
        }
    }
}
