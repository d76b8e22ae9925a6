using System;
using System.Runtime;

namespace Cosmos.Runtime
{
    // The process exports System.Diagnostics.Process imports (Ping references it for its fallback to ping(8), which
    // never runs here because raw ICMP sockets work). The kernel is one process with no others to start: these fail
    // the way a Linux without fork(2) would (ENOSYS, surfacing as Win32Exception "Function not implemented"), report
    // no children, and Environment.ProcessId is 1.
    public static unsafe partial class SystemNative
    {
        /// <summary>getpid: the kernel is process 1.</summary>
        [RuntimeExport("SystemNative_GetPid")] public static int GetPid() => 1;

        /// <summary>The executable's path: none (Environment.ProcessPath is null).</summary>
        [RuntimeExport("SystemNative_GetProcessPath")] public static byte* GetProcessPath() => null;

        /// <summary>Process.Start: −1 with ENOSYS (no processes besides the kernel).</summary>
        [RuntimeExport("SystemNative_ForkAndExecProcess")]
        public static int ForkAndExecProcess(byte* filename, byte** argv, byte** envp, byte* cwd, int redirectStdin, int redirectStdout,
            int redirectStderr, int setCredentials, uint userId, uint groupId, uint* groups, int groupsLength, int* childPid,
            int* stdinFd, int* stdoutFd, int* stderrFd)
        {
            CurrentErrno = Errno.ENOSYS;
            return -1;
        }

        /// <summary>kill(2): −1 with ESRCH (there is no other process).</summary>
        [RuntimeExport("SystemNative_Kill")]
        public static int Kill(int pid, int signal) { CurrentErrno = Errno.ESRCH; return -1; }

        /// <summary>waitpid(WNOHANG): −1 with ECHILD (no children).</summary>
        [RuntimeExport("SystemNative_WaitPidExitedNoHang")]
        public static int WaitPidExitedNoHang(int pid, int* exitCode) { CurrentErrno = Errno.ECHILD; return -1; }

        /// <summary>waitid(P_ALL, WNOHANG|WNOWAIT): −1 with ECHILD (no children).</summary>
        [RuntimeExport("SystemNative_WaitIdAnyExitedNoHangNoWait")]
        public static int WaitIdAnyExitedNoHangNoWait() { CurrentErrno = Errno.ECHILD; return -1; }

        /// <summary>getgrouplist: −1 with ENOSYS (no user database).</summary>
        [RuntimeExport("SystemNative_GetGroupList")]
        public static int GetGroupList(byte* name, uint group, uint* groups, int* ngroups) { CurrentErrno = Errno.ENOSYS; return -1; }

        /// <summary>getpwnam_r: −1 with ENOSYS (no user database).</summary>
        [RuntimeExport("SystemNative_GetPwNamR")]
        public static int GetPwNamR(byte* name, void* pwd, byte* buf, int bufLength) => Errno.ENOSYS;

        /// <summary>getpwuid_r (the home directory of the effective user, for X509 stores, terminfo, pipes): ENOSYS (no user database), returned, not set in errno, as the PAL does.</summary>
        [RuntimeExport("SystemNative_GetPwUidR")]
        public static int GetPwUidR(uint uid, void* pwd, byte* buf, int bufLength) => Errno.ENOSYS;

        /// <summary>Terminal and SIGCHLD set-up for Process: nothing to set up; 1 (success).</summary>
        [RuntimeExport("SystemNative_InitializeTerminalAndSignalHandling")]
        public static int InitializeTerminalAndSignalHandling() => 1;

        /// <summary>Terminal configuration around child processes: nothing to do.</summary>
        [RuntimeExport("SystemNative_ConfigureTerminalForChildProcess")]
        public static void ConfigureTerminalForChildProcess(int childUsesTerminal) { }

        /// <summary>SIGCHLD callback registration: never called back (no children).</summary>
        [RuntimeExport("SystemNative_RegisterForSigChld")]
        public static void RegisterForSigChld(IntPtr callback) { }

        /// <summary>Delayed SIGCHLD console configuration: never called back.</summary>
        [RuntimeExport("SystemNative_SetDelayedSigChildConsoleConfigurationHandler")]
        public static void SetDelayedSigChildConsoleConfigurationHandler(IntPtr callback) { }
    }
}
