using System;
using System.Collections.Generic;
using System.IO;
using Cosmos.Build.Steps;
using Cosmos.Build.Toolchain;
using Xunit;

namespace Cosmos.Build.Tests
{
    /// <summary>
    /// The kernel build's step runner (Build/Cosmos.Build/Steps/StepRunner.cs): a step runs when it has never run,
    /// when an input, a setting or an output changed, and is otherwise skipped with "up to date"; each run prints one
    /// progress line; a failure names the step and leaves it to run again.
    /// </summary>
    public sealed class StepRunnerTests : IDisposable
    {
        private readonly string _dir = Path.Combine(Path.GetTempPath(), "cosmos-steps-" + Guid.NewGuid().ToString("N"));
        private readonly List<string> _lines = new List<string>();
        private readonly StepRunner _runner;
        private readonly string _input, _output;
        private int _runs;

        public StepRunnerTests()
        {
            Directory.CreateDirectory(_dir);
            _runner = new StepRunner(_dir, (step, text) => _lines.Add("[" + step + "] " + text));
            _input = Path.Combine(_dir, "in.txt");
            _output = Path.Combine(_dir, "out.txt");
            File.WriteAllText(_input, "one");
        }

        public void Dispose()
        {
            try { Directory.Delete(_dir, true); } catch (IOException) { }
        }

        /// <summary>A step copying the input to the output, with <paramref name="setting"/> in its fingerprint.</summary>
        private BuildStep Copy(string setting = "s1") => new BuildStep("copy", () =>
        {
            _runs++;
            File.WriteAllText(_output, File.ReadAllText(_input));
            return "copied " + _runs;
        })
        {
            Inputs = new[] { _input },
            Settings = new[] { setting },
            Outputs = new[] { _output },
        };

        [Fact]
        public void FirstRunRuns_UnchangedRunIsSkippedAsUpToDate()
        {
            Assert.True(_runner.Run(Copy()));
            Assert.False(_runner.Run(Copy()));
            Assert.Equal(1, _runs);
            Assert.Equal(new[] { "[copy] copied 1", "[copy] up to date" }, _lines);
            Assert.True(File.Exists(Path.Combine(_dir, "copy.stamp")));
        }

        [Fact]
        public void ChangedInput_RunsAgain()
        {
            _runner.Run(Copy());
            File.WriteAllText(_input, "two, longer");
            Assert.True(_runner.Run(Copy()));
            Assert.Equal("two, longer", File.ReadAllText(_output));

            // Same size, newer timestamp: still a change.
            File.WriteAllText(_input, "thr, longer");
            File.SetLastWriteTimeUtc(_input, File.GetLastWriteTimeUtc(_input).AddSeconds(5));
            Assert.True(_runner.Run(Copy()));
            Assert.False(_runner.Run(Copy()));
            Assert.Equal(3, _runs);
        }

        [Fact]
        public void ChangedSetting_RunsAgain()
        {
            _runner.Run(Copy("s1"));
            Assert.True(_runner.Run(Copy("s2")));
            Assert.False(_runner.Run(Copy("s2")));
            Assert.Equal(2, _runs);
        }

        [Fact]
        public void MissingOutput_RunsAgain()
        {
            _runner.Run(Copy());
            File.Delete(_output);
            Assert.True(_runner.Run(Copy()));
            Assert.True(File.Exists(_output));
        }

        [Fact]
        public void StampName_IsTheStampFile()
        {
            var step = new BuildStep("x#", () => "done") { StampName = "asm", Inputs = new[] { _input } };
            _runner.Run(step);
            Assert.True(File.Exists(Path.Combine(_dir, "asm.stamp")));
            Assert.False(_runner.Run(step));
        }

        [Fact]
        public void Failure_NamesTheStep_AndTheStepRunsAgainNextTime()
        {
            bool fail = true;
            BuildStep Step() => new BuildStep("ilc", () =>
            {
                if (fail) throw new InvalidOperationException("the compiler crashed");
                return "compiled";
            })
            { Inputs = new[] { _input } };

            var e = Assert.Throws<BuildStepException>(() => _runner.Run(Step()));
            Assert.Equal("ilc", e.Step);
            Assert.Equal("COSMOS099", e.Code);
            Assert.Contains("InvalidOperationException: the compiler crashed", e.Message);
            Assert.Empty(_lines); // no progress line for a failed step

            fail = false;
            Assert.True(_runner.Run(Step()));
            Assert.Equal(new[] { "[ilc] compiled" }, _lines);
        }

        [Fact]
        public void BuildStepException_KeepsItsCodeAndFile_AndGetsTheStep()
        {
            var step = new BuildStep("link", () => throw new BuildStepException("COSMOS050", "missing symbol 'foo'", "kernel.elf"));
            var e = Assert.Throws<BuildStepException>(() => _runner.Run(step));
            Assert.Equal(("link", "COSMOS050", "kernel.elf", "missing symbol 'foo'"), (e.Step, e.Code, e.File, e.Message));

            // A step that already names itself (a nested runner) is passed through unchanged.
            var inner = new BuildStep("outer", () => throw new BuildStepException("COSMOS041", "ilc failed") { Step = "inner" });
            Assert.Equal("inner", Assert.Throws<BuildStepException>(() => _runner.Run(inner)).Step);
        }

        [Fact]
        public void Attribute_NamesTheStepOfWorkOutsideARunner()
        {
            var e = Assert.Throws<BuildStepException>(() => StepRunner.Attribute<int>("setup", () => throw new IOException("disk full")));
            Assert.Equal(("setup", "COSMOS099"), (e.Step, e.Code));
            Assert.Equal(42, StepRunner.Attribute("setup", () => 42));
        }
    }
}
