using System;

namespace Cosmos.HAL.Firmware.Acpi
{
    /// <summary>
    /// Finds the few AML objects the HAL needs in DSDT/SSDT byte code without interpreting it: the
    /// <c>Name(_Sx_, Package(){...})</c> sleep-type packages. Decodes PkgLength and integer constants
    /// on the way. Pure (spans in, values out), never throws on malformed AML, runs in host tests.
    /// Sources: ACPI 6.5 §20.2 (AML grammar), §7.4.2 (\_Sx objects).
    /// </summary>
    public static class AmlScanner
    {
        /// <summary>AML NameOp (ACPI 6.5 §20.2.5.1).</summary>
        public const byte NameOp = 0x08;
        /// <summary>AML PackageOp (§20.2.5.4).</summary>
        public const byte PackageOp = 0x12;
        /// <summary>AML VarPackageOp (§20.2.5.4).</summary>
        public const byte VarPackageOp = 0x13;

        /// <summary>
        /// Decodes a PkgLength at <paramref name="offset"/> (ACPI 6.5 §20.2.4): bits 7-6 of the
        /// lead byte give the number of following bytes (0-3). With none, bits 5-0 are the length;
        /// otherwise bits 3-0 are the low nibble and each following byte adds 8 more bits (bits 5-4
        /// must be 0). The length counts the PkgLength bytes themselves.
        /// </summary>
        public static bool TryDecodePkgLength(ReadOnlySpan<byte> aml, int offset, out int length, out int bytesUsed)
        {
            length = 0; bytesUsed = 0;
            if ((uint)offset >= (uint)aml.Length) return false;
            byte lead = aml[offset];
            int follow = lead >> 6;
            if (offset + 1 + follow > aml.Length) return false;
            if (follow == 0) { length = lead & 0x3F; bytesUsed = 1; return true; }
            if ((lead & 0x30) != 0) return false;
            int value = lead & 0x0F;
            for (int i = 0; i < follow; i++) value |= aml[offset + 1 + i] << (4 + 8 * i);
            length = value; bytesUsed = 1 + follow;
            return true;
        }

        /// <summary>
        /// Decodes an AML integer constant at <paramref name="offset"/> (ACPI 6.5 §20.2.3):
        /// ZeroOp 0x00, OneOp 0x01, OnesOp 0xFF, BytePrefix 0x0A, WordPrefix 0x0B,
        /// DWordPrefix 0x0C, QWordPrefix 0x0E. Reads nothing at or past <paramref name="end"/>.
        /// </summary>
        public static bool TryDecodeInteger(ReadOnlySpan<byte> aml, int offset, int end, out ulong value, out int bytesUsed)
        {
            value = 0; bytesUsed = 0;
            if (end > aml.Length) end = aml.Length;
            if (offset < 0 || offset >= end) return false;
            int size;
            switch (aml[offset])
            {
                case 0x00: value = 0; bytesUsed = 1; return true;
                case 0x01: value = 1; bytesUsed = 1; return true;
                case 0xFF: value = ulong.MaxValue; bytesUsed = 1; return true;
                case 0x0A: size = 1; break;
                case 0x0B: size = 2; break;
                case 0x0C: size = 4; break;
                case 0x0E: size = 8; break;
                default: return false;
            }
            if (offset + 1 + size > end) return false;
            for (int i = 0; i < size; i++) value |= (ulong)aml[offset + 1 + i] << (8 * i);
            bytesUsed = 1 + size;
            return true;
        }

        /// <summary>
        /// Finds <c>Name(_S5_, Package(){ SLP_TYPa, SLP_TYPb, ... })</c> in AML (the DSDT or an
        /// SSDT, with or without its 36-byte header) and returns the two sleep type values.
        /// Accepted: NameOp, optionally a root '\' or parent '^' prefixes, "_S5_", PackageOp or
        /// VarPackageOp, PkgLength, element count, then integer constants (see
        /// <see cref="TryDecodeInteger"/>). A one-element package holds SLP_TYPa in bits 0-7 and
        /// SLP_TYPb in bits 8-15 (the convention ACPICA follows). Occurrences of "_S5_" that are
        /// not a Name (a Method, a string, a reference) are skipped. Fails with a reason when no
        /// usable definition exists or the package is malformed (ACPI 6.5 §7.4.2, §20.2).
        /// </summary>
        public static bool TryFindS5(ReadOnlySpan<byte> aml, out AcpiSleepType sleepType, out string error)
        {
            return TryFindSleepPackage(aml, (byte)'5', out sleepType, out error);
        }

        /// <summary>Same as <see cref="TryFindS5"/> for \_S<paramref name="state"/>_ (state '0'..'5').</summary>
        public static bool TryFindSleepPackage(ReadOnlySpan<byte> aml, byte state, out AcpiSleepType sleepType, out string error)
        {
            sleepType = default;
            string name = string.Concat("_S", new string((char)state, 1), "_");
            string firstProblem = null;
            for (int i = 0; i + 4 <= aml.Length; i++)
            {
                if (aml[i] != (byte)'_' || aml[i + 1] != (byte)'S' || aml[i + 2] != state || aml[i + 3] != (byte)'_') continue;
                int p = i - 1;
                while (p >= 0 && aml[p] == (byte)'^') p--;
                if (p >= 0 && aml[p] == (byte)'\\') p--;
                if (p < 0 || aml[p] != NameOp) continue; // not a Name() definition (method, reference, string...)

                string problem = DecodeSleepPackage(aml, i + 4, name, out sleepType);
                if (problem == null) { error = null; return true; }
                firstProblem ??= problem;
            }
            error = firstProblem ?? string.Concat("no Name(", name, ", Package) in ", HalFormat.Dec((ulong)aml.Length), " bytes of AML");
            return false;
        }

        private static string DecodeSleepPackage(ReadOnlySpan<byte> aml, int j, string name, out AcpiSleepType sleepType)
        {
            sleepType = default;
            string at = string.Concat(name, " at AML offset ", HalFormat.Hex((ulong)j - 4));
            if (j >= aml.Length) return string.Concat(at, ": truncated after the name");
            byte op = aml[j];
            if (op != PackageOp && op != VarPackageOp)
                return string.Concat(at, ": value is not a Package (opcode ", HalFormat.Hex(op, 2), ")");
            int pkgStart = j + 1;
            if (!TryDecodePkgLength(aml, pkgStart, out int pkgLen, out int used))
                return string.Concat(at, ": malformed PkgLength");
            int end = pkgStart + pkgLen;
            if (pkgLen < used + 1 || end > aml.Length)
                return string.Concat(at, ": package length ", HalFormat.Dec((ulong)pkgLen), " runs past the end of the AML");
            int k = pkgStart + used;
            ulong count;
            if (op == PackageOp) { count = aml[k]; k++; }
            else
            {
                if (!TryDecodeInteger(aml, k, end, out count, out int n))
                    return string.Concat(at, ": VarPackage element count is not a constant");
                k += n;
            }
            if (count == 0) return string.Concat(at, ": package has no elements");
            if (!TryDecodeInteger(aml, k, end, out ulong a, out int na))
                return string.Concat(at, ": element 0 is not an integer constant", Opcode(aml, k, end));
            k += na;
            if (count == 1)
            {
                sleepType = new AcpiSleepType((byte)a, (byte)(a >> 8));
                return null;
            }
            if (!TryDecodeInteger(aml, k, end, out ulong b, out _))
                return string.Concat(at, ": element 1 is not an integer constant", Opcode(aml, k, end));
            sleepType = new AcpiSleepType((byte)a, (byte)b);
            return null;
        }

        private static string Opcode(ReadOnlySpan<byte> aml, int k, int end) =>
            k < end ? string.Concat(" (opcode ", HalFormat.Hex(aml[k], 2), ")") : " (package ends early)";
    }
}
