using System;
using System.Diagnostics;
using System.IO;
using XSharp;

namespace XSharp.Tests
{
    /// <summary>Runs the real nasm on generated text (test helper).</summary>
    internal static class Nasm
    {
        /// <summary>Assembles <paramref name="source"/> with the given output format; returns the output bytes. Throws with nasm's messages on failure.</summary>
        public static byte[] Assemble(string source, string format = "bin")
        {
            string dir = Path.Combine(Path.GetTempPath(), "xsharp-tests-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(dir);
            try
            {
                string src = Path.Combine(dir, "t.asm"), obj = Path.Combine(dir, "t.out");
                File.WriteAllText(src, source);
                var psi = new ProcessStartInfo("nasm", $"-f {format} -w+error=number-overflow -o \"{obj}\" \"{src}\"")
                { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
                using var p = Process.Start(psi)!;
                string err = p.StandardError.ReadToEnd() + p.StandardOutput.ReadToEnd();
                p.WaitForExit();
                if (p.ExitCode != 0) throw new InvalidOperationException("nasm failed:\n" + err + "\n--- source ---\n" + source);
                if (err.Contains("warning")) throw new InvalidOperationException("nasm warned:\n" + err + "\n--- source ---\n" + source);
                return File.ReadAllBytes(obj);
            }
            finally { try { Directory.Delete(dir, true); } catch { } }
        }

        /// <summary>Emits one fragment in flat binary at origin 0 in the given bitness and returns the bytes.</summary>
        public static byte[] Bytes(int bits, Action<Assembler> emit)
        {
            var a = new Assembler();
            a.BitsMode(bits);
            emit(a);
            return Assemble(a.ToNasm(), "bin");
        }

        public static byte[] Hex(string hex)
        {
            hex = hex.Replace(" ", "");
            var b = new byte[hex.Length / 2];
            for (int i = 0; i < b.Length; i++) b[i] = Convert.ToByte(hex.Substring(2 * i, 2), 16);
            return b;
        }
    }
}
