using Cosmos.Core;

namespace Cosmos.HAL
{
    /// <summary>
    /// The 8042 PS/2 controller, polled (interrupts stay off). Data port 0x60, status port 0x64
    /// (read), command port 0x64 (write). Every wait is bounded by a poll count (each poll ends
    /// with an I/O delay of about 1 µs), so an absent or stuck controller yields an error instead of
    /// a hang. The device (<see cref="Instance"/>, stage <see cref="DeviceStage.OnDemand"/>: the keyboard driver
    /// starts it as its parent) holds what <see cref="Initialize"/> found; the static members forward to it.
    /// Source: OSDev wiki "8042 PS/2 Controller"; IBM PC AT Technical Reference.
    /// </summary>
    public sealed class PS2Controller : Device, IResetMethod
    {
        private static PS2Controller s_instance;
        private bool _present;
        private string _error;
        private byte _config;

        /// <summary>The 8042 device (created on first use; registered by <see cref="PcPlatform"/>).</summary>
        public static PS2Controller Instance => s_instance ??= new PS2Controller();

        private PS2Controller() : base("8042 PS/2 controller", DeviceClass.Input) { }

        /// <inheritdoc/>
        protected override bool OnStart(out string error)
        {
            bool ok = Initialize();
            error = Error;
            return ok;
        }

        /// <summary>Data port (read: output buffer; write: input buffer / device 1).</summary>
        public const ushort DataPort = 0x60;
        /// <summary>Status register (read) / command register (write).</summary>
        public const ushort StatusPort = 0x64;
        /// <summary>Status bit 0: output buffer full (data to read at 0x60).</summary>
        public const byte StatusOutputFull = 0x01;
        /// <summary>Status bit 1: input buffer full (do not write yet).</summary>
        public const byte StatusInputFull = 0x02;
        /// <summary>Status bit 5: the byte in the output buffer came from port 2 (mouse).</summary>
        public const byte StatusAuxData = 0x20;

        /// <summary>Config byte bit 0: port 1 interrupt.</summary>
        public const byte ConfigPort1Interrupt = 0x01;
        /// <summary>Config byte bit 1: port 2 interrupt.</summary>
        public const byte ConfigPort2Interrupt = 0x02;
        /// <summary>Config byte bit 4: port 1 clock disabled.</summary>
        public const byte ConfigPort1ClockDisabled = 0x10;
        /// <summary>Config byte bit 5: port 2 clock disabled.</summary>
        public const byte ConfigPort2ClockDisabled = 0x20;
        /// <summary>Config byte bit 6: translate port 1 scan codes to set 1.</summary>
        public const byte ConfigTranslation = 0x40;

        /// <summary>Default poll budget for one controller handshake (~50 ms).</summary>
        public const int DefaultTimeout = 50_000;

        /// <summary>True after <see cref="Initialize"/> found a working controller.</summary>
        public static bool IsPresent => s_instance?._present ?? false;
        /// <summary>Why initialization failed, or null.</summary>
        public static string Error => s_instance?._error;
        /// <summary>The configuration byte written by <see cref="Initialize"/>.</summary>
        public static byte Config => s_instance?._config ?? 0;

        /// <summary>
        /// Computes the configuration byte to use from the one read: port 1 and 2 interrupts off,
        /// translation on, port 1 clock enabled, port 2 clock disabled; other bits kept.
        /// </summary>
        public static byte MakeConfig(byte current) =>
            (byte)((current & ~(ConfigPort1Interrupt | ConfigPort2Interrupt | ConfigPort1ClockDisabled)) | ConfigTranslation | ConfigPort2ClockDisabled);

        /// <summary>
        /// Initializes the controller for a polled keyboard on port 1: disable both ports, flush,
        /// set the configuration byte (<see cref="MakeConfig"/>), controller self-test (0xAA → 0x55),
        /// port 1 interface test (0xAB → 0x00), enable port 1 (0xAE). Returns false with
        /// <see cref="Error"/> set when the controller is absent (status reads 0xFF) or does not answer.
        /// </summary>
        public static bool Initialize()
        {
            var c = Instance;
            c._present = false;
            c._error = null;
            if (IOPort.Read8(StatusPort) == 0xFF) return Fail("no 8042: status register reads 0xFF");

            if (!SendCommand(0xAD)) return Fail("controller does not accept commands (input buffer stays full)");
            SendCommand(0xA7);
            Flush();

            if (!TryCommand(0x20, out byte cfg)) return Fail("no response to 'read configuration byte' (0x20)");
            byte config = MakeConfig(cfg);
            if (!SendCommand(0x60, config)) return Fail("could not write the configuration byte");

            if (!TryCommand(0xAA, out byte selfTest)) return Fail("no response to controller self-test (0xAA)");
            if (selfTest != 0x55) return Fail(string.Concat("controller self-test failed: ", HalFormat.Hex(selfTest, 2)));
            SendCommand(0x60, config); // the self-test may reset the controller

            if (!TryCommand(0xAB, out byte portTest)) return Fail("no response to port 1 test (0xAB)");
            if (portTest != 0x00) return Fail(string.Concat("port 1 interface test failed: ", HalFormat.Hex(portTest, 2)));

            if (!SendCommand(0xAE)) return Fail("could not enable port 1");
            c._config = config;
            c._present = true;
            c.MarkStarted();
            return true;
        }

        private static bool Fail(string why)
        {
            var c = Instance;
            c._error = why;
            c.MarkFailed(why);
            return false;
        }

        /// <summary>Reads and drops up to 64 pending bytes.</summary>
        public static void Flush()
        {
            for (int i = 0; i < 64 && (IOPort.Read8(StatusPort) & StatusOutputFull) != 0; i++)
            {
                IOPort.Read8(DataPort);
                IOPort.Wait();
            }
        }

        /// <summary>Waits until the controller's input buffer is empty; false on timeout.</summary>
        public static bool WaitInputEmpty(int timeout = DefaultTimeout)
        {
            for (int i = 0; i < timeout; i++)
            {
                if ((IOPort.Read8(StatusPort) & StatusInputFull) == 0) return true;
                IOPort.Wait();
            }
            return false;
        }

        /// <summary>Waits for a byte in the output buffer and reads it; false on timeout.</summary>
        public static bool TryWaitRead(out byte value, int timeout = DefaultTimeout)
        {
            for (int i = 0; i < timeout; i++)
            {
                if ((IOPort.Read8(StatusPort) & StatusOutputFull) != 0)
                {
                    value = IOPort.Read8(DataPort);
                    return true;
                }
                IOPort.Wait();
            }
            value = 0;
            return false;
        }

        /// <summary>Reads a byte if one is waiting (never blocks). <paramref name="fromPort2"/> is true for mouse data.</summary>
        public static bool TryRead(out byte value, out bool fromPort2)
        {
            byte status = IOPort.Read8(StatusPort);
            if ((status & StatusOutputFull) == 0 || status == 0xFF) { value = 0; fromPort2 = false; return false; }
            fromPort2 = (status & StatusAuxData) != 0;
            value = IOPort.Read8(DataPort);
            return true;
        }

        /// <summary>Writes a controller command to port 0x64; false when the input buffer stays full.</summary>
        public static bool SendCommand(byte command)
        {
            if (!WaitInputEmpty()) return false;
            IOPort.Write8(StatusPort, command);
            return true;
        }

        /// <summary>Writes a two-byte controller command (command to 0x64, then data to 0x60).</summary>
        public static bool SendCommand(byte command, byte data)
        {
            if (!SendCommand(command) || !WaitInputEmpty()) return false;
            IOPort.Write8(DataPort, data);
            return true;
        }

        /// <summary>Writes a controller command and reads its one-byte response.</summary>
        public static bool TryCommand(byte command, out byte response)
        {
            response = 0;
            return SendCommand(command) && TryWaitRead(out response);
        }

        /// <summary>Writes a byte to the device on port 1 (the keyboard) through port 0x60.</summary>
        public static bool WriteDevice1(byte value)
        {
            if (!WaitInputEmpty()) return false;
            IOPort.Write8(DataPort, value);
            return true;
        }

        /// <summary>
        /// Pulses the CPU reset line (command 0xFE to port 0x64). Returns false with a reason when
        /// no controller answers; returns true after the command was written (the caller waits and
        /// reports if the machine is still running). The reset chain (<see cref="MachineReset"/>) reaches it as this
        /// device's <see cref="IResetMethod"/>.
        /// </summary>
        public static bool TryPulseReset(out string error)
        {
            if (IOPort.Read8(StatusPort) == 0xFF) { error = "8042 reset impossible: no controller (status reads 0xFF)"; return false; }
            if (!WaitInputEmpty()) { error = "8042 reset impossible: input buffer stays full"; return false; }
            IOPort.Write8(StatusPort, 0xFE);
            error = null;
            return true;
        }

        /// <summary>Second in the reset chain (<see cref="MachineReset.ResetOrder8042"/>).</summary>
        int IResetMethod.ResetOrder => MachineReset.ResetOrder8042;

        /// <summary>The chain's 8042 step: <see cref="TryPulseReset"/>.</summary>
        bool IResetMethod.TryReset(out string error) => TryPulseReset(out error);
    }
}
