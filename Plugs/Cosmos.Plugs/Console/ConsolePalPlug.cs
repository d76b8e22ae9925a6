using System;
using System.IO;
using System.Text;
using Cosmos.System.ConsoleIO;
using IL2CPU.API.Attribs;

namespace Cosmos.Plugs.ConsoleIO
{
    /// <summary>
    /// Plugs <c>System.ConsolePal</c> of the NativeAOT linux-x64 System.Console.dll (the Unix
    /// implementation: terminfo, SafeFileHandle, libSystem.Native) so that every member
    /// System.Console calls runs on <see cref="ConsoleDevice"/> instead. The member list is the set
    /// of ConsolePal methods System.Console 10.0.12 calls (checked by Tests/Cosmos.Plugs.Tests).
    /// Members the console cannot honour throw <see cref="PlatformNotSupportedException"/> naming the
    /// Console member.
    /// </summary>
    [Plug(TargetName = "System.ConsolePal, System.Console")]
    public static class ConsolePalPlug
    {
        // ---------------------------------------------------------------- streams, readers, encodings

        /// <summary>Console.OpenStandardInput: a stream of edited lines.</summary>
        public static Stream OpenStandardInput() => ConsoleDevice.OpenInputStream();

        /// <summary>Console.OpenStandardOutput (and Console.Out): VGA + COM1.</summary>
        public static Stream OpenStandardOutput() => ConsoleDevice.OpenOutputStream();

        /// <summary>Console.OpenStandardError (and Console.Error): the same devices as standard output.</summary>
        public static Stream OpenStandardError() => ConsoleDevice.OpenOutputStream();

        /// <summary>Console.In: a synchronized reader of edited lines.</summary>
        public static TextReader GetOrCreateReader() => TextReader.Synchronized(ConsoleDevice.CreateReader());

        /// <summary>Called before Console.In is created: initializes the console device.</summary>
        public static void EnsureConsoleInitialized() => ConsoleDevice.EnsureInitialized();

        /// <summary>Console.InputEncoding: UTF-8 without BOM.</summary>
        public static Encoding get_InputEncoding() => ConsoleDevice.Encoding;

        /// <summary>Console.OutputEncoding: UTF-8 without BOM.</summary>
        public static Encoding get_OutputEncoding() => ConsoleDevice.Encoding;

        /// <summary>Console.InputEncoding setter: UTF-8 (or ASCII) only.</summary>
        public static void SetConsoleInputEncoding(Encoding enc) => ConsoleDevice.CheckEncoding(enc, "Console.InputEncoding");

        /// <summary>Console.OutputEncoding setter: UTF-8 (or ASCII) only.</summary>
        public static void SetConsoleOutputEncoding(Encoding enc) => ConsoleDevice.CheckEncoding(enc, "Console.OutputEncoding");

        /// <summary>Console.IsInputRedirected: false, input is the keyboard/serial terminal.</summary>
        public static bool IsInputRedirectedCore() => false;

        /// <summary>Console.IsOutputRedirected: false, output is the screen/serial terminal.</summary>
        public static bool IsOutputRedirectedCore() => false;

        /// <summary>Console.IsErrorRedirected: false.</summary>
        public static bool IsErrorRedirectedCore() => false;

        // ---------------------------------------------------------------- keys

        /// <summary>Console.KeyAvailable.</summary>
        public static bool get_KeyAvailable() => ConsoleDevice.KeyAvailable;

        /// <summary>Console.ReadKey.</summary>
        public static ConsoleKeyInfo ReadKey(bool intercept) => ConsoleDevice.ReadKey(intercept);

        /// <summary>Console.TreatControlCAsInput: always true (Ctrl+C is delivered as a key; there is no SIGINT).</summary>
        public static bool get_TreatControlCAsInput() => true;

        /// <summary>Console.TreatControlCAsInput setter: true is the only behaviour.</summary>
        public static void set_TreatControlCAsInput(bool value)
        {
            if (!value)
                throw Unsupported("TreatControlCAsInput = false", "Ctrl+C is always delivered as input (there is no SIGINT / CancelKeyPress)");
        }

        /// <summary>Console.CapsLock (PS/2 keyboard state).</summary>
        public static bool get_CapsLock() => ConsoleDevice.CapsLock;

        /// <summary>Console.NumberLock (PS/2 keyboard state).</summary>
        public static bool get_NumberLock() => ConsoleDevice.NumberLock;

        // ---------------------------------------------------------------- colours, screen, cursor

        /// <summary>Console.ForegroundColor.</summary>
        public static ConsoleColor get_ForegroundColor() => ConsoleDevice.ForegroundColor;

        /// <summary>Console.ForegroundColor setter.</summary>
        public static void set_ForegroundColor(ConsoleColor value) => ConsoleDevice.ForegroundColor = value;

        /// <summary>Console.BackgroundColor.</summary>
        public static ConsoleColor get_BackgroundColor() => ConsoleDevice.BackgroundColor;

        /// <summary>Console.BackgroundColor setter.</summary>
        public static void set_BackgroundColor(ConsoleColor value) => ConsoleDevice.BackgroundColor = value;

        /// <summary>Console.ResetColor.</summary>
        public static void ResetColor() => ConsoleDevice.ResetColor();

        /// <summary>Console.Clear.</summary>
        public static void Clear() => ConsoleDevice.Clear();

        /// <summary>Console.SetCursorPosition / CursorLeft / CursorTop setters.</summary>
        public static void SetCursorPosition(int left, int top) => ConsoleDevice.SetCursorPosition(left, top);

        /// <summary>Console.GetCursorPosition / CursorLeft / CursorTop.</summary>
        public static (int Left, int Top) GetCursorPosition() => ConsoleDevice.GetCursorPosition();

        /// <summary>Console.CursorVisible.</summary>
        public static bool get_CursorVisible() => ConsoleDevice.CursorVisible;

        /// <summary>Console.CursorVisible setter.</summary>
        public static void set_CursorVisible(bool value) => ConsoleDevice.CursorVisible = value;

        /// <summary>Console.CursorSize setter: not supported (the VGA cursor shape is fixed).</summary>
        public static void set_CursorSize(int value) => throw Unsupported("CursorSize", "the cursor shape is fixed");

        /// <summary>Console.Title.</summary>
        public static string get_Title() => ConsoleDevice.Title;

        /// <summary>Console.Title setter (also sets the serial terminal's title).</summary>
        public static void set_Title(string value) => ConsoleDevice.Title = value;

        /// <summary>Console.Beep().</summary>
        public static void Beep() => ConsoleDevice.Beep();

        /// <summary>Console.Beep(frequency, duration): PC speaker.</summary>
        public static void Beep(int frequency, int duration) => ConsoleDevice.Beep(frequency, duration);

        /// <summary>Console.MoveBufferArea (screen only).</summary>
        public static void MoveBufferArea(int sourceLeft, int sourceTop, int sourceWidth, int sourceHeight, int targetLeft, int targetTop,
                                          char sourceChar, ConsoleColor sourceForeColor, ConsoleColor sourceBackColor)
            => ConsoleDevice.MoveBufferArea(sourceLeft, sourceTop, sourceWidth, sourceHeight, targetLeft, targetTop, sourceChar, sourceForeColor, sourceBackColor);

        // ---------------------------------------------------------------- window and buffer (fixed: the screen)

        /// <summary>Console.WindowWidth: screen columns.</summary>
        public static int get_WindowWidth() => ConsoleDevice.WindowWidth;

        /// <summary>Console.WindowHeight: screen rows.</summary>
        public static int get_WindowHeight() => ConsoleDevice.WindowHeight;

        /// <summary>Console.BufferWidth: screen columns (no scroll-back).</summary>
        public static int get_BufferWidth() => ConsoleDevice.WindowWidth;

        /// <summary>Console.BufferHeight: screen rows (no scroll-back).</summary>
        public static int get_BufferHeight() => ConsoleDevice.WindowHeight;

        /// <summary>Console.LargestWindowWidth: screen columns.</summary>
        public static int get_LargestWindowWidth() => ConsoleDevice.WindowWidth;

        /// <summary>Console.LargestWindowHeight: screen rows.</summary>
        public static int get_LargestWindowHeight() => ConsoleDevice.WindowHeight;

        /// <summary>Console.WindowWidth setter: only the current width.</summary>
        public static void set_WindowWidth(int value) => RequireSize("WindowWidth", value, ConsoleDevice.WindowWidth);

        /// <summary>Console.WindowHeight setter: only the current height.</summary>
        public static void set_WindowHeight(int value) => RequireSize("WindowHeight", value, ConsoleDevice.WindowHeight);

        /// <summary>Console.BufferWidth setter: only the current width.</summary>
        public static void set_BufferWidth(int value) => RequireSize("BufferWidth", value, ConsoleDevice.WindowWidth);

        /// <summary>Console.BufferHeight setter: only the current height.</summary>
        public static void set_BufferHeight(int value) => RequireSize("BufferHeight", value, ConsoleDevice.WindowHeight);

        /// <summary>Console.SetWindowSize: only the current size.</summary>
        public static void SetWindowSize(int width, int height)
        {
            RequireSize("SetWindowSize width", width, ConsoleDevice.WindowWidth);
            RequireSize("SetWindowSize height", height, ConsoleDevice.WindowHeight);
        }

        /// <summary>Console.SetBufferSize: only the current size.</summary>
        public static void SetBufferSize(int width, int height)
        {
            RequireSize("SetBufferSize width", width, ConsoleDevice.WindowWidth);
            RequireSize("SetBufferSize height", height, ConsoleDevice.WindowHeight);
        }

        /// <summary>Console.WindowLeft setter: the window is the whole buffer, so only 0.</summary>
        public static void set_WindowLeft(int value) => RequireSize("WindowLeft", value, 0);

        /// <summary>Console.WindowTop setter: the window is the whole buffer, so only 0.</summary>
        public static void set_WindowTop(int value) => RequireSize("WindowTop", value, 0);

        /// <summary>Console.SetWindowPosition: the window is the whole buffer, so only (0, 0).</summary>
        public static void SetWindowPosition(int left, int top)
        {
            RequireSize("SetWindowPosition left", left, 0);
            RequireSize("SetWindowPosition top", top, 0);
        }

        private static void RequireSize(string member, int value, int only)
        {
            if (value != only)
                throw Unsupported(member, "the console is the fixed VGA text screen; the only accepted value is " + only + ", not " + value);
        }

        private static PlatformNotSupportedException Unsupported(string member, string why) =>
            new PlatformNotSupportedException("CosmosOS: Console." + member + " is not supported: " + why + ".");
    }

    /// <summary>
    /// Plugs the System.Console members that would register POSIX signal handlers
    /// (PosixSignalRegistration, libSystem.Native): CosmosOS has no signals, and Ctrl+C is input.
    /// </summary>
    [Plug(Target = typeof(Console))]
    public static class ConsolePlug
    {
        /// <summary>Console.CancelKeyPress add: not supported (no SIGINT; Ctrl+C is delivered by ReadKey and cancels a ReadLine line).</summary>
        public static void add_CancelKeyPress(ConsoleCancelEventHandler value) =>
            throw new PlatformNotSupportedException(
                "CosmosOS: Console.CancelKeyPress is not supported: there are no signals; Ctrl+C is delivered as a key by Console.ReadKey and abandons the line in Console.ReadLine.");

        /// <summary>Console.CancelKeyPress remove: not supported (see add).</summary>
        public static void remove_CancelKeyPress(ConsoleCancelEventHandler value) =>
            throw new PlatformNotSupportedException("CosmosOS: Console.CancelKeyPress is not supported: there are no signals.");
    }
}
