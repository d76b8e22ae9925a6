using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Cosmos.Build.Running;
using Cosmos.Build.Toolchain;
using Xunit;

namespace Cosmos.Build.Tests
{
    /// <summary>The run targets' configuration writers: VMware .vmx and VMDK, VirtualBox commands, USB image check, QEMU arguments.</summary>
    public class RunTargetTests
    {
        private static VirtualMachineSpec Spec(bool uefi = false, bool debug = false) => new()
        {
            Name = "MyOS", Iso = "/home/u/MyOS/bin/Debug/net10.0/MyOS.iso", MemoryMiB = 768, Uefi = uefi,
            SerialPipe = "/tmp/cosmos-MyOS-1.serial", DebugStub = debug,
        };

        [Theory]
        [InlineData(null, "qemu")]
        [InlineData("", "qemu")]
        [InlineData("QEMU-UEFI", "qemu-uefi")]
        [InlineData(" vmware ", "vmware")]
        [InlineData("virtualbox", "virtualbox")]
        [InlineData("usb", "usb")]
        [InlineData("qemu-vmware", "qemu-vmware")]
        public void TargetNamesParse(string given, string expected) => Assert.Equal(expected, RunTarget.Parse(given));

        [Fact]
        public void UnknownTargetNamesTheKnownOnes()
        {
            var e = Assert.Throws<BuildStepException>(() => RunTarget.Parse("hyperv"));
            Assert.Equal("COSMOS075", e.Code);
            Assert.Contains("'hyperv'", e.Message);
            foreach (var (name, _) in RunTarget.All) Assert.Contains(name, e.Message);
        }

        /// <summary>
        /// Every entry of the .vmx against VMware's configuration keys as VMware Workstation writes and documents them
        /// (guest OS "other-64", SATA CD "cdrom-image", e1000 on NAT, COM1 as a server-end named pipe, EFI firmware).
        /// </summary>
        [Fact]
        public void VmxEntriesAreVmwareKeysFieldByField()
        {
            var disks = new[] { "/home/u/MyOS/bin/disk.vmdk" };
            var entries = VmxFile.Entries(Spec(), disks);
            var expected = new (string Key, string Value)[]
            {
                (".encoding", "UTF-8"), ("config.version", "8"), ("virtualHW.version", "16"), ("displayName", "MyOS"),
                ("guestOS", "other-64"), ("firmware", "bios"), ("memsize", "768"), ("numvcpus", "1"),
                ("sata0.present", "TRUE"), ("sata0:0.present", "TRUE"), ("sata0:0.deviceType", "cdrom-image"),
                ("sata0:0.fileName", "/home/u/MyOS/bin/Debug/net10.0/MyOS.iso"), ("sata0:0.startConnected", "TRUE"),
                ("sata0:1.present", "TRUE"), ("sata0:1.deviceType", "disk"), ("sata0:1.fileName", "/home/u/MyOS/bin/disk.vmdk"),
                ("bios.bootOrder", "cdrom,hdd"),
                ("ethernet0.present", "TRUE"), ("ethernet0.virtualDev", "e1000"), ("ethernet0.connectionType", "nat"),
                ("ethernet0.addressType", "generated"), ("ethernet0.startConnected", "TRUE"),
                ("svga.present", "TRUE"), ("vmmouse.present", "TRUE"), ("floppy0.present", "FALSE"), ("sound.present", "FALSE"),
                ("serial0.present", "TRUE"), ("serial0.fileType", "pipe"), ("serial0.fileName", "/tmp/cosmos-MyOS-1.serial"),
                ("serial0.pipe.endPoint", "server"), ("serial0.tryNoRxLoss", "TRUE"), ("serial0.yieldOnMsrRead", "TRUE"),
                ("serial0.startConnected", "TRUE"),
            };
            Assert.Equal(expected.Length, entries.Count);
            for (int i = 0; i < expected.Length; i++)
            {
                Assert.Equal(expected[i].Key, entries[i].Key);
                Assert.True(expected[i].Value == entries[i].Value, $"{expected[i].Key}: expected \"{expected[i].Value}\", got \"{entries[i].Value}\"");
            }
            Assert.Equal(entries.Count, entries.Select(e => e.Key).Distinct().Count());
        }

        [Fact]
        public void VmxForUefiAndDebugging()
        {
            var entries = VmxFile.Entries(Spec(uefi: true, debug: true), Array.Empty<string>()).ToDictionary(e => e.Key, e => e.Value);
            Assert.Equal("efi", entries["firmware"]);
            Assert.Equal("TRUE", entries["debugStub.listen.guest64"]);
            Assert.False(entries.ContainsKey("sata0:1.present"));
        }

        [Fact]
        public void VmxTextRoundTripsWithEscapes()
        {
            var spec = Spec();
            spec.Name = "My \"quoted\" | OS";
            var text = VmxFile.Format(VmxFile.Entries(spec, Array.Empty<string>()));
            Assert.Contains("displayName = \"My |22quoted|22 |7C OS\"\n", text);
            var back = VmxFile.Parse(text);
            Assert.Equal("My \"quoted\" | OS", back.Single(e => e.Key == "displayName").Value);
            Assert.Equal(VmxFile.Entries(spec, Array.Empty<string>()), back);
            var bad = Assert.Throws<FormatException>(() => VmxFile.Parse("a = \"1\"\nb = 2\n"));
            Assert.Contains("line 2", bad.Message);
        }

        [Fact]
        public void VmxRefusesMoreThanThreeDisks()
        {
            var e = Assert.Throws<BuildStepException>(() => VmxFile.Entries(Spec(), new[] { "a", "b", "c", "d" }));
            Assert.Equal("COSMOS071", e.Code);
        }

        /// <summary>Virtual Disk Format 1.1: a monolithicFlat descriptor whose one FLAT extent covers the raw image's 512-byte sectors.</summary>
        [Fact]
        public void VmdkDescriptorCoversTheRawImage()
        {
            string text = VmdkDescriptor.For("/d/disk.img", 64L << 20);
            var lines = text.Split('\n');
            Assert.Equal("# Disk DescriptorFile", lines[0]);
            Assert.Contains("createType=\"monolithicFlat\"", lines);
            Assert.Contains("RW 131072 FLAT \"/d/disk.img\" 0", lines);
            Assert.Contains("ddb.geometry.cylinders = \"130\"", lines);   // 131072 / (16 * 63)
            Assert.Contains("ddb.adapterType = \"ide\"", lines);
            Assert.Throws<ArgumentException>(() => VmdkDescriptor.For("/d/x.img", 1000));
            Assert.Throws<ArgumentException>(() => VmdkDescriptor.For("/d/x.img", 0));
        }

        [Fact]
        public void VirtualBoxCommandsCreateOnceAndReattachEveryRun()
        {
            var spec = Spec(uefi: true);
            var first = VirtualBoxTarget.SetupCommands(spec, new[] { "/d/disk.vmdk" }, exists: false).Select(c => string.Join(' ', c)).ToList();
            Assert.Equal("createvm --name MyOS --ostype Other_64 --register --basefolder /home/u/MyOS/bin/Debug/net10.0", first[0]);
            Assert.Equal("storagectl MyOS --name SATA --add sata --controller IntelAhci --portcount 4", first[1]);
            Assert.Equal("modifyvm MyOS --memory 768 --cpus 1 --firmware efi --boot1 dvd --boot2 disk --boot3 none --boot4 none --nic1 nat --nictype1 82540EM "
                + "--graphicscontroller vmsvga --mouse ps2 --uart1 0x3F8 4 --uartmode1 server /tmp/cosmos-MyOS-1.serial", first[2]);
            Assert.Equal("storageattach MyOS --storagectl SATA --port 0 --device 0 --type dvddrive --medium /home/u/MyOS/bin/Debug/net10.0/MyOS.iso", first[3]);
            Assert.Equal("storageattach MyOS --storagectl SATA --port 1 --device 0 --type hdd --medium /d/disk.vmdk", first[4]);
            Assert.Equal("storageattach MyOS --storagectl SATA --port 2 --device 0 --medium none", first[5]);
            Assert.Equal(7, first.Count);
            var again = VirtualBoxTarget.SetupCommands(spec, Array.Empty<string>(), exists: true).Select(c => c[0]).ToList();
            Assert.Equal(new[] { "modifyvm", "storageattach", "storageattach", "storageattach", "storageattach" }, again);
        }

        private static byte[] HybridHead(bool signature = true, bool gpt = true, bool esp = true)
        {
            var b = new byte[64 * 1024];
            if (signature) { b[510] = 0x55; b[511] = 0xAA; }
            if (gpt)
            {
                "EFI PART"u8.CopyTo(b.AsSpan(512));
                BitConverter.TryWriteBytes(b.AsSpan(512 + 72), 2L);
                BitConverter.TryWriteBytes(b.AsSpan(512 + 80), 128u);
                BitConverter.TryWriteBytes(b.AsSpan(512 + 84), 128u);
                new Guid("EBD0A0A2-B9E5-4433-87C0-68B6B72699C7").TryWriteBytes(b.AsSpan(1024));
                if (esp) new Guid("C12A7328-F81F-11D2-BA4B-00A0C93EC93B").TryWriteBytes(b.AsSpan(1024 + 128));
            }
            return b;
        }

        [Fact]
        public void UsbImageCheckNamesWhatIsMissing()
        {
            Assert.Null(UsbTarget.CheckHybrid(HybridHead()));
            Assert.Contains("55AAh", UsbTarget.CheckHybrid(HybridHead(signature: false)));
            Assert.Contains("no GPT header", UsbTarget.CheckHybrid(HybridHead(gpt: false)));
            Assert.Contains("no EFI system partition", UsbTarget.CheckHybrid(HybridHead(esp: false)));
            Assert.Contains("not a disk image", UsbTarget.CheckHybrid(new byte[100]));
        }

        [Fact]
        public void QemuUsbStickVmwareDevicesAndGdbArguments()
        {
            var usb = string.Join(' ', Qemu.Arguments(new QemuOptions { Iso = "/k/a,b.iso", BootMedium = "usb", Display = false }));
            Assert.Contains("-device qemu-xhci,id=xhci -drive if=none,id=stick,format=raw,file=/k/a,,b.iso -device usb-storage,bus=xhci.0,drive=stick,bootindex=0", usb);
            Assert.DoesNotContain("-cdrom", usb);
            var vm = new QemuOptions { Iso = "/k/x.iso", VmwareDevices = true, Display = false, Nic = "e1000" };
            vm.Disks.Add("/k/d.img");
            var vmware = string.Join(' ', Qemu.Arguments(vm));
            Assert.Contains("-device ahci,id=ahci -drive if=none,id=cd0,media=cdrom,readonly=on,file=/k/x.iso -device ide-cd,bus=ahci.0,drive=cd0,bootindex=0 -vga vmware", vmware);
            Assert.Contains("-drive if=none,id=disk0,format=raw,file=/k/d.img -device ide-hd,bus=ahci.1,drive=disk0", vmware);
            Assert.Contains("-device e1000,netdev=nic0", vmware);
            var gdb = string.Join(' ', Qemu.Arguments(new QemuOptions { Iso = "/k/x.iso", GdbPort = 4321, Display = false }));
            Assert.Contains("-gdb tcp:127.0.0.1:4321 -S", gdb);
            var sock = string.Join(' ', Qemu.Arguments(new QemuOptions { Iso = "/k/x.iso", SerialSocket = "/tmp/s", Display = false }));
            Assert.Contains("-serial unix:/tmp/s,server=on,wait=on", sock);
            Assert.Contains("-qmp unix:/tmp/q,server=on,wait=off", string.Join(' ', Qemu.Arguments(new QemuOptions { Iso = "/k/x.iso", QmpSocket = "/tmp/q", Display = false })));
            Assert.Equal("COSMOS074", Assert.Throws<BuildStepException>(() => Qemu.Arguments(new QemuOptions { Iso = "x", BootMedium = "floppy" })).Code);
            Assert.Equal("COSMOS074", Assert.Throws<BuildStepException>(() => Qemu.Arguments(new QemuOptions { Iso = "x", VmwareDevices = true, Machine = "q35" })).Code);
        }

        [Fact]
        public void CdOnAhciComesAfterDevicesWithFixedAddresses()
        {
            var o = new QemuOptions { Iso = "/k/a,b.iso", CdController = "ahci", Display = false };
            o.Extra.AddRange(new[] { "-device", "e1000,addr=0x03" });
            var args = string.Join(' ', Qemu.Arguments(o));
            Assert.DoesNotContain("-cdrom", args);
            // Last, so QEMU gives the controller the first slot left free (a device placed before would take 00:03.0).
            Assert.EndsWith("-device e1000,addr=0x03 -device ahci,id=cdahci -drive if=none,id=bootcd,media=cdrom,readonly=on,file=/k/a,,b.iso -device ide-cd,bus=cdahci.0,drive=bootcd,bootindex=0", args);
            // q35 has its own AHCI (port 2, where -cdrom puts it); the IDE default (secondary master) and VMware's set are unchanged.
            Assert.Contains("-drive if=none,id=bootcd,media=cdrom,readonly=on,file=/k/x.iso -device ide-cd,bus=ide.2,drive=bootcd,bootindex=0", string.Join(' ', Qemu.Arguments(new QemuOptions { Iso = "/k/x.iso", CdController = "ahci", Machine = "q35", Display = false })));
            Assert.Contains("-drive if=none,id=bootcd,media=cdrom,readonly=on,file=/k/x.iso -device ide-cd,bus=ide.1,unit=0,drive=bootcd,bootindex=0", string.Join(' ', Qemu.Arguments(new QemuOptions { Iso = "/k/x.iso", Display = false })));
            Assert.DoesNotContain("cdahci", string.Join(' ', Qemu.Arguments(new QemuOptions { Iso = "/k/x.iso", CdController = "ahci", VmwareDevices = true, Display = false })));
            Assert.Equal("COSMOS074", Assert.Throws<BuildStepException>(() => Qemu.Arguments(new QemuOptions { Iso = "x", CdController = "scsi" })).Code);
        }

        [Fact]
        public void GdbCommandAttachesAndBreaksWithHardwareBreakpoint()
        {
            string elf = Path.Combine(Path.GetTempPath(), "no-such-kernel-" + Guid.NewGuid().ToString("N") + ".elf");
            Assert.Equal($"gdb '{elf}' -ex 'target remote 127.0.0.1:1234'", Debugging.GdbCommand(elf, "127.0.0.1:1234"));
        }
    }
}
