using System;
using System.Collections.Generic;
using Cosmos.TestRunner;

namespace Cosmos.Build.Testing
{
    /// <summary>
    /// Outcome of one in-kernel test case. <paramref name="Known"/>: the case failed exactly as a documented defect
    /// outside this repository makes it fail (reported, counted apart, not a failure of the run).
    /// </summary>
    public sealed record TestCaseResult(string Name, bool Passed, string Message, bool Known = false)
    {
        /// <summary>A failure that counts against the run (neither passed nor a known defect).</summary>
        public bool Failed => !Passed && !Known;
    }

    /// <summary>
    /// Reads a test kernel's serial output line by line. The strings are defined once, in <see cref="TestProtocol"/>
    /// (compiled into this tool and into the kernel library Cosmos.TestRunner.Kernel). Test kernels print: "##cosmos-test start NAME", "##cosmos-test pass NAME",
    /// "##cosmos-test fail NAME: MESSAGE", "##cosmos-test known NAME: DEFECT" (the case failed exactly as a
    /// documented defect outside this repository makes it fail), "##cosmos-test expect-serial NAME: TEXT" (passes when a
    /// later serial line ends with TEXT before "done"), "##cosmos-test expect-exit NAME: CODE" (the
    /// case passes when QEMU then exits with status CODE, e.g. 0 after a shutdown or reset), "##cosmos-test expect-panic NAME: TEXT" (the next
    /// panic must contain TEXT and ends the kernel), "##cosmos-test done". A panic line starts
    /// with "!!! PANIC: " (Cosmos.Core.Panic.Marker); the report ends with "System halted." or, when the kernel
    /// resets the machine after it (Panic.RebootOnPanic), "Rebooting." — such a report is complete only
    /// once QEMU exits with status 0 (a reset under -no-reboot); see <see cref="Exited"/>.
    /// </summary>
    public sealed class SerialProtocol
    {
        public const string Prefix = TestProtocol.Prefix;
        public const string PanicMarker = TestProtocol.PanicMarker;

        private readonly List<TestCaseResult> _results = new();
        private string _running;
        private string _expectPanicName;
        private string _expectPanicText;
        private readonly List<string> _panicLines = new();
        private bool _inPanic;
        private bool _panicRebooting;
        private readonly List<(string Name, string Text)> _expectSerial = new();
        private string _expectExitName;
        private int _expectExitCode;

        private readonly Queue<(string Name, string Expected)> _screenshots = new();

        public IReadOnlyList<TestCaseResult> Results => _results;

        /// <summary>Takes the oldest screenshot request (<see cref="TestProtocol.Screenshot"/>) not yet taken.</summary>
        public bool TryTakeScreenshotRequest(out string name, out string expected)
        {
            if (_screenshots.TryDequeue(out var r)) { name = r.Name; expected = r.Expected; return true; }
            name = expected = null;
            return false;
        }
        /// <summary>True once "done" was seen.</summary>
        public bool Done { get; private set; }
        /// <summary>True once a panic report began.</summary>
        public bool Panicked { get; private set; }
        /// <summary>True once the panic report ended ("System halted.", or "Rebooting." followed by QEMU's exit after the reset).</summary>
        public bool PanicComplete { get; private set; }
        /// <summary>The test that was running when the kernel stopped, if any.</summary>
        public string Running => _running;

        public void Feed(string line)
        {
            line = line.TrimEnd('\r');
            if (_inPanic)
            {
                _panicLines.Add(line);
                if (line.StartsWith(TestProtocol.PanicHaltedLine, StringComparison.Ordinal)) { PanicComplete = true; _inPanic = false; FinishPanic(null); }
                else if (line.StartsWith(TestProtocol.PanicRebootingLine, StringComparison.Ordinal)) _panicRebooting = true;
                return;
            }
            int p = line.IndexOf(PanicMarker, StringComparison.Ordinal);
            if (p >= 0)
            {
                Panicked = true; _inPanic = true;
                _panicLines.Add(line.Substring(p + PanicMarker.Length));
                return;
            }
            int at = line.IndexOf(Prefix, StringComparison.Ordinal);
            if (at > 0) line = line.Substring(at); // e.g. after ANSI escapes without a newline
            if (at < 0)
            {
                for (int i = 0; i < _expectSerial.Count; i++)
                {
                    if (!line.EndsWith(_expectSerial[i].Text, StringComparison.Ordinal)) continue;
                    _results.Add(new TestCaseResult(_expectSerial[i].Name, true, null));
                    _expectSerial.RemoveAt(i);
                    break;
                }
                return;
            }
            var rest = line.Substring(Prefix.Length);
            int sp = rest.IndexOf(' ');
            var verb = sp < 0 ? rest : rest.Substring(0, sp);
            var arg = sp < 0 ? "" : rest.Substring(sp + 1);
            SplitNameMessage(arg, out var name, out var message);
            // start/pass carry only the name, which may itself contain ": "; a fail of the running case is split
            // after that case's name. The expect-* verbs have no running case: their names must not contain ": "
            // (TestKernel refuses such names).
            if (verb == TestProtocol.Start || verb == TestProtocol.Pass) { name = arg.Trim(); message = null; }
            else if ((verb == TestProtocol.Fail || verb == TestProtocol.Known) && _running != null && arg.StartsWith(_running + TestProtocol.NameSeparator, StringComparison.Ordinal))
            {
                name = _running;
                message = arg.Substring(_running.Length + TestProtocol.NameSeparator.Length);
            }
            switch (verb)
            {
                case TestProtocol.Start: _running = name; break;
                case TestProtocol.Pass: _results.Add(new TestCaseResult(name, true, null)); _running = null; break;
                case TestProtocol.Fail: _results.Add(new TestCaseResult(name, false, message)); _running = null; break;
                case TestProtocol.Known: _results.Add(new TestCaseResult(name, false, message, Known: true)); _running = null; break;
                case TestProtocol.ExpectPanic: _expectPanicName = name; _expectPanicText = message; _running = name; break;
                case TestProtocol.ExpectExit: _expectExitName = name; _expectExitCode = int.TryParse(message, out var c) ? c : 0; _running = name; break;
                case TestProtocol.ExpectSerial: _expectSerial.Add((name, message ?? "")); break;
                case TestProtocol.Screenshot: _screenshots.Enqueue((name, message ?? "")); break;
                case TestProtocol.Done:
                    Done = true;
                    foreach (var (n, t) in _expectSerial) _results.Add(new TestCaseResult(n, false, $"no serial line ending with \"{t}\" was seen"));
                    _expectSerial.Clear();
                    break;
            }
        }

        private static void SplitNameMessage(string arg, out string name, out string message)
        {
            int c = arg.IndexOf(TestProtocol.NameSeparator, StringComparison.Ordinal);
            if (c < 0) { name = arg.Trim(); message = null; }
            else { name = arg.Substring(0, c).Trim(); message = arg.Substring(c + TestProtocol.NameSeparator.Length); }
        }

        private void FinishPanic(string failure)
        {
            var text = string.Join("\n", _panicLines);
            if (_expectPanicName != null)
            {
                bool ok = failure == null && text.Contains(_expectPanicText ?? "", StringComparison.Ordinal);
                string why = failure != null ? failure + ":\n" + text : $"expected a panic containing \"{_expectPanicText}\", got:\n{text}";
                _results.Add(new TestCaseResult(_expectPanicName, ok, ok ? null : why));
                _expectPanicName = null;
                _running = null;
            }
            else
            {
                _results.Add(new TestCaseResult(_running ?? "(kernel)", false, "unexpected panic:\n" + text));
                _running = null;
            }
        }

        /// <summary>QEMU exited before "done": passes a pending expect-exit case when the status matches.</summary>
        public void Exited(int status)
        {
            if (_inPanic && _panicRebooting)
            {
                _inPanic = false;
                PanicComplete = status == 0;
                FinishPanic(status == 0 ? null : $"the panic report ended with \"{TestProtocol.PanicRebootingLine}\" but QEMU exited with status {status}, not 0 (a reset under -no-reboot)");
                return;
            }
            if (_expectExitName == null) return;
            bool ok = status == _expectExitCode;
            _results.Add(new TestCaseResult(_expectExitName, ok, ok ? null : $"QEMU exited with status {status}, expected {_expectExitCode}"));
            _expectExitName = null;
            _running = null;
            Done = true;
            EndedByExpectedExit = true;
        }

        /// <summary>True when the kernel ended through an expected QEMU exit (expect-exit).</summary>
        public bool EndedByExpectedExit { get; private set; }

        /// <summary>Records a failure found outside the serial stream (e.g. QEMU's exit status).</summary>
        public void AddFailure(string name, string message) => _results.Add(new TestCaseResult(name, false, message));

        /// <summary>Adds a passed case checked by the runner itself (e.g. fsck.fat of an image the kernel wrote).</summary>
        public void AddPass(string name) => _results.Add(new TestCaseResult(name, true, null));

        /// <summary>Called when the kernel stopped: a kernel that neither finished nor panicked as expected fails its running test.</summary>
        public void Finish(string why)
        {
            if (_inPanic) { _inPanic = false; FinishPanic(_panicRebooting ? "the panic report ended with \"" + TestProtocol.PanicRebootingLine + "\" but the machine did not reset (" + why + ")" : null); }
            if (!Done && !PanicComplete)
                _results.Add(new TestCaseResult(_running ?? "(kernel)", false, why));
            else if (_expectPanicName != null)
                _results.Add(new TestCaseResult(_expectPanicName, false, "the expected panic did not happen: " + why));
        }
    }
}
