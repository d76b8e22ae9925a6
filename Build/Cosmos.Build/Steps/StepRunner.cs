using System;
using System.Collections.Generic;
using System.IO;
using Cosmos.Build.Toolchain;

namespace Cosmos.Build.Steps
{
    /// <summary>
    /// One incremental build step: a name (the progress tag, e.g. <c>ilc</c>), the files it reads, the settings that
    /// change its result, the files it must leave behind, and the action that does the work and returns the text of
    /// its progress line.
    /// </summary>
    public sealed class BuildStep
    {
        public BuildStep(string name, Func<string> action)
        {
            Name = name ?? throw new ArgumentNullException(nameof(name));
            Action = action ?? throw new ArgumentNullException(nameof(action));
        }

        /// <summary>The step's name: its progress tag and the step a failure is attributed to.</summary>
        public string Name { get; }
        /// <summary>Does the work; returns the progress line's text (e.g. "a.dll -> a.o (2.1 s)").</summary>
        public Func<string> Action { get; }
        /// <summary>Files whose path, size and last write time are fingerprinted (missing files count too).</summary>
        public IReadOnlyList<string> Inputs { get; init; } = Array.Empty<string>();
        /// <summary>Strings that are part of the fingerprint (tool versions, options).</summary>
        public IReadOnlyList<string> Settings { get; init; } = Array.Empty<string>();
        /// <summary>Files that must exist for the step to be up to date.</summary>
        public IReadOnlyList<string> Outputs { get; init; } = Array.Empty<string>();
        /// <summary>Name of the stamp file (<c>&lt;StampName&gt;.stamp</c> in the runner's folder); default <see cref="Name"/>.</summary>
        public string StampName { get; init; }
    }

    /// <summary>
    /// Runs <see cref="BuildStep"/>s incrementally: a step whose fingerprint (<see cref="Stamp.Fingerprint"/> of its
    /// inputs and settings) equals the one its stamp file recorded, and whose outputs all exist, is skipped with the
    /// progress line "up to date"; otherwise its action runs, its progress line is printed and the stamp written (only
    /// after success, so a failed step runs again next time). Any failure is a <see cref="BuildStepException"/> whose
    /// <see cref="BuildStepException.Step"/> names the step.
    /// </summary>
    public sealed class StepRunner
    {
        private readonly string _stampDirectory;
        private readonly Action<string, string> _progress;

        /// <param name="stampDirectory">Folder of the stamp files.</param>
        /// <param name="progress">Receives (step, text) for each progress line; default <see cref="Tool.Progress"/>.</param>
        public StepRunner(string stampDirectory, Action<string, string> progress = null)
        {
            _stampDirectory = stampDirectory ?? throw new ArgumentNullException(nameof(stampDirectory));
            _progress = progress ?? Tool.Progress;
        }

        /// <summary>Runs <paramref name="step"/> unless it is up to date. Returns true when its action ran.</summary>
        /// <exception cref="BuildStepException">The step failed; <see cref="BuildStepException.Step"/> is its name.</exception>
        public bool Run(BuildStep step) => Attribute(step.Name, () =>
        {
            string stamp = Path.Combine(_stampDirectory, (step.StampName ?? step.Name) + ".stamp");
            string fingerprint = Stamp.Fingerprint(step.Inputs, ToArray(step.Settings));
            if (Stamp.UpToDate(stamp, fingerprint, ToArray(step.Outputs)))
            {
                _progress(step.Name, "up to date");
                return false;
            }
            string text = step.Action();
            _progress(step.Name, text);
            Stamp.Write(stamp, fingerprint);
            return true;
        });

        /// <summary>
        /// Runs <paramref name="body"/>, attributing a failure to <paramref name="step"/>: a <see cref="BuildStepException"/>
        /// without a step gets it, any other exception becomes COSMOS099 naming its type.
        /// </summary>
        public static T Attribute<T>(string step, Func<T> body)
        {
            try { return body(); }
            catch (BuildStepException e) when (e.Step == null)
            {
                throw new BuildStepException(e.Code, e.Message, e.File) { Step = step };
            }
            catch (Exception e) when (e is not BuildStepException)
            {
                throw new BuildStepException("COSMOS099", $"{e.GetType().Name}: {e.Message}") { Step = step };
            }
        }

        private static string[] ToArray(IReadOnlyList<string> list)
        {
            var a = new string[list.Count];
            for (int i = 0; i < a.Length; i++) a[i] = list[i];
            return a;
        }
    }
}
