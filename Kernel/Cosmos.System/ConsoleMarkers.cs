namespace Cosmos.Common
{
    /// <summary>
    /// Control sequences the kernel writes to COM1 for the host-side runner. The file is compiled into Cosmos.System
    /// (which writes them) and linked into Build/Cosmos.Build (which reads them), so each has one definition.
    /// </summary>
    public static class ConsoleMarkers
    {
        /// <summary>
        /// Written to COM1 once the console can take input (after <c>Global.Init</c>, before <c>BeforeRun</c>): an
        /// ECMA-48 APC string (ESC _ … ESC \), which terminals do not display. <c>dotnet run</c> with piped standard input
        /// starts typing into COM1 when it sees it (firmware and GRUB output come before it, under BIOS and UEFI alike)
        /// and removes it from what it shows.
        /// </summary>
        public const string ConsoleReady = "\u001b_cosmos:console-ready\u001b\\";
    }
}
