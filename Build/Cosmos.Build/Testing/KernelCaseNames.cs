using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;

namespace Cosmos.Build.Testing
{
    /// <summary>
    /// Lists a test kernel's case names without building or booting it, for test explorers (Tests/Cosmos.Kernels.Tests):
    /// the literal names in its C# sources — first argument of <c>Test</c>, <c>ExpectPanic</c>, <c>ExpectExit</c>,
    /// <c>ExpectSerialLine</c>, <c>CompareScreen</c> (TestKernel) and last argument (the message) of Cosmos-style
    /// <c>Assert.*</c> calls. Names built at run time (concatenations, tables in Tests/Shared) are not found here: the
    /// boot reports them, and a consumer must account for every reported case it did not list.
    /// </summary>
    public static class KernelCaseNames
    {
        private static readonly Regex NamedCall = new(@"(?<![\w.])(?:Test|ExpectPanic|ExpectExit|ExpectSerialLine|CompareScreen)\s*\(\s*(?<lit>@?""(?:[^""\\]|\\.|"""")*"")\s*,", RegexOptions.Compiled);
        private static readonly Regex AssertCall = new(@"\bAssert\s*\.\s*(?:IsTrue|IsFalse|AreEqual|AreNotEqual|Succeed|Fail)\s*\(", RegexOptions.Compiled);

        /// <summary>The literal case names in <paramref name="source"/> (C# text), in order of appearance, without duplicates.</summary>
        public static List<string> FromSource(string source)
        {
            var found = new List<(int At, string Name)>();
            foreach (Match m in NamedCall.Matches(source))
                if (TryLiteral(m.Groups["lit"].Value, out var name)) found.Add((m.Index, name));
            foreach (Match m in AssertCall.Matches(source))
            {
                var args = Arguments(source, m.Index + m.Length);
                if (args.Count > 0 && TryLiteral(args[^1].Trim(), out var name)) found.Add((m.Index, name));
            }
            // One line each, as the kernel prints them (Assert replaces line breaks by spaces).
            return found.OrderBy(f => f.At).Select(f => f.Name.Replace('\n', ' ').Replace('\r', ' ')).Distinct(StringComparer.Ordinal).ToList();
        }

        /// <summary>The literal case names of the kernel project in <paramref name="projectDir"/> (every *.cs below it, obj/ and bin/ excepted).</summary>
        public static List<string> FromProject(string projectDir)
        {
            var files = Directory.EnumerateFiles(projectDir, "*.cs", SearchOption.AllDirectories)
                .Where(f => !f.Split(Path.DirectorySeparatorChar).Any(p => p == "obj" || p == "bin"))
                .OrderBy(f => f, StringComparer.Ordinal);
            return files.SelectMany(f => FromSource(File.ReadAllText(f))).Distinct(StringComparer.Ordinal).ToList();
        }

        /// <summary>The top-level arguments of a call whose '(' ends just before <paramref name="start"/> (strings and chars skipped).</summary>
        private static List<string> Arguments(string s, int start)
        {
            var args = new List<string>();
            int depth = 0, from = start;
            for (int i = start; i < s.Length; i++)
            {
                char c = s[i];
                if (c == '"' || c == '\'')
                {
                    bool verbatim = c == '"' && i > 0 && s[i - 1] == '@';
                    for (i++; i < s.Length && s[i] != c; i++)
                        if (s[i] == '\\' && !verbatim) i++;
                        else if (s[i] == '\n' && !verbatim) break;
                    if (verbatim) while (i + 1 < s.Length && s[i + 1] == '"') { i += 2; while (i < s.Length && s[i] != '"') i++; }
                    continue;
                }
                if (c == '(' || c == '[' || c == '{') depth++;
                else if ((c == ')' || c == ']' || c == '}') && depth > 0) depth--;
                else if (c == ')') { args.Add(s.Substring(from, i - from)); return args; }
                else if (c == ',' && depth == 0) { args.Add(s.Substring(from, i - from)); from = i + 1; }
            }
            return new List<string>();
        }

        /// <summary>Decodes one C# string literal ("…" with \\ \" \n \t \r \0 \uXXXX, or @"…"); false for anything else (e.g. "a" + b).</summary>
        public static bool TryLiteral(string text, out string value)
        {
            value = null;
            if (text.StartsWith("@\"", StringComparison.Ordinal) && text.EndsWith('"') && text.Length >= 3)
            {
                string body = text.Substring(2, text.Length - 3);
                if (body.Replace("\"\"", "").Contains('"')) return false;
                value = body.Replace("\"\"", "\"");
                return true;
            }
            if (text.Length < 2 || text[0] != '"' || text[^1] != '"') return false;
            var sb = new StringBuilder();
            for (int i = 1; i < text.Length - 1; i++)
            {
                char c = text[i];
                if (c == '"') return false;                 // "a" + "b": two literals
                if (c != '\\') { sb.Append(c); continue; }
                if (++i >= text.Length - 1) return false;
                switch (text[i])
                {
                    case 'n': sb.Append('\n'); break;
                    case 't': sb.Append('\t'); break;
                    case 'r': sb.Append('\r'); break;
                    case '0': sb.Append('\0'); break;
                    case '\\': sb.Append('\\'); break;
                    case '"': sb.Append('"'); break;
                    case '\'': sb.Append('\''); break;
                    case 'u' when i + 4 < text.Length - 1: sb.Append((char)Convert.ToInt32(text.Substring(i + 1, 4), 16)); i += 4; break;
                    default: return false;
                }
            }
            value = sb.ToString();
            return true;
        }
    }
}
