using System;
using System.Threading;
using System.Threading.Tasks;

namespace ThreadTests
{
    public sealed partial class Kernel
    {
        private static long SumOfSquares(int from, int count)
        {
            long s = 0;
            for (int i = from; i < from + count; i++) s += (long)i * i;
            return s;
        }

        /// <summary>
        /// Proves Task.Run on the thread pool: a result computed on a pool thread (not the main thread), Task.WhenAll of
        /// 20 work items with every result correct and in order, and ContinueWith chains (5 steps) that each see their
        /// antecedent's result.
        /// </summary>
        private void TaskRunAndWhenAll()
        {
            int mainId = Environment.CurrentManagedThreadId;
            int runId = 0;
            var single = Task.Run(() => { runId = Environment.CurrentManagedThreadId; return 6 * 7; });
            True(single.Wait(10000), "Task.Run completed within 10 s");
            if (!single.IsCompleted) return;
            Equal(42, single.Result, "Task.Run result");
            True(runId != 0 && runId != mainId, "the work item ran on another thread (id " + runId + ", main " + mainId + ")");

            var tasks = new Task<long>[20];
            for (int i = 0; i < tasks.Length; i++)
            {
                int n = i;
                tasks[i] = Task.Run(() => SumOfSquares(n * 1000, 2000));
            }
            var all = Task.WhenAll(tasks);
            True(all.Wait(15000), "Task.WhenAll of 20 completed within 15 s");
            if (!all.IsCompleted) return;
            Equal(20, all.Result.Length, "WhenAll result count");
            for (int i = 0; i < tasks.Length; i++) Equal(SumOfSquares(i * 1000, 2000), all.Result[i], "WhenAll result " + i);

            Task<int> chain = Task.Run(() => 1);
            for (int step = 0; step < 5; step++) chain = chain.ContinueWith(a => a.Result * 3 + 1);
            True(chain.Wait(10000), "ContinueWith chain completed within 10 s");
            if (chain.IsCompleted) Equal(((((1 * 3 + 1) * 3 + 1) * 3 + 1) * 3 + 1) * 3 + 1, chain.Result, "ContinueWith chain result");

            var faulted = Task.Run(new Func<int>(() => throw new InvalidOperationException("for the continuation")));
            var observed = faulted.ContinueWith(a => a.IsFaulted && a.Exception.InnerException is InvalidOperationException, TaskContinuationOptions.OnlyOnFaulted);
            True(observed.Wait(10000) && observed.Result, "an OnlyOnFaulted continuation ran and saw the exception");
        }

        /// <summary>Proves Task.Delay's timer: Task.Delay(50) completes after 45 ms (TSC calibration slack) and well before 2 s.</summary>
        private void TaskDelay()
        {
            ulong t0 = Now;
            bool done = Task.Delay(50).Wait(10000);
            double ms = MsSince(t0);
            True(done, "Task.Delay(50) completed within 10 s");
            True(ms >= 45 && ms < 2000, "Task.Delay(50) took about 50 ms: " + ms.ToString("0.0") + " ms");
            Line("  Task.Delay(50): " + ms.ToString("0.0") + " ms");
        }

        private static int s_asyncThreadsSeen, s_mainThreadId;

        /// <summary>Each level awaits Task.Delay(1..5) and Task.Yield, then its inner level; returns inner * 3 + depth.</summary>
        private static async Task<long> Chain(int depth)
        {
            if (depth == 0) return 1;
            await Task.Delay(1 + depth % 5);
            await Task.Yield();
            if (Environment.CurrentManagedThreadId != s_mainThreadId) Interlocked.Increment(ref s_asyncThreadsSeen);
            long inner = await Chain(depth - 1);
            return inner * 3 + depth;
        }

        private static long ChainExpected(int depth) => depth == 0 ? 1 : ChainExpected(depth - 1) * 3 + depth;

        /// <summary>
        /// Proves async/await end to end: a chain of 10 async methods, each awaiting Task.Delay and Task.Yield before
        /// awaiting the next, completes with the combined result; 5 such chains concurrently under Task.WhenAll too.
        /// </summary>
        private void AsyncChain()
        {
            s_asyncThreadsSeen = 0;
            s_mainThreadId = Environment.CurrentManagedThreadId;
            var t = Chain(10);
            True(t.Wait(15000), "the chain of 10 completed within 15 s");
            if (t.IsCompleted) Equal(ChainExpected(10), t.Result, "combined result of the chain");
            True(s_asyncThreadsSeen > 0, "continuations ran on pool threads");

            var chains = new Task<long>[5];
            for (int i = 0; i < chains.Length; i++) chains[i] = Chain(6 + i);
            var all = Task.WhenAll(chains);
            True(all.Wait(15000), "5 concurrent chains completed within 15 s");
            if (all.IsCompleted)
                for (int i = 0; i < chains.Length; i++) Equal(ChainExpected(6 + i), all.Result[i], "chain " + i + " result");
        }

        private sealed class ChainFailure : Exception
        {
            public ChainFailure(string message) : base(message) { }
        }

        private static async Task<int> ThrowAfterAwait(string message)
        {
            await Task.Delay(2);
            await Task.Yield();
            throw new ChainFailure(message);
        }

        private static async Task<string> CatchAcrossAwaits()
        {
            try
            {
                await ThrowAfterAwait("deep");
                return "no exception";
            }
            catch (ChainFailure e)
            {
                return "caught " + e.Message;
            }
        }

        /// <summary>
        /// Proves exception propagation through tasks: await rethrows the original exception type across awaits on
        /// pool threads; Task.Wait() and Task.Result throw AggregateException wrapping it; GetAwaiter().GetResult()
        /// throws the original; the task is Faulted.
        /// </summary>
        private void TaskExceptions()
        {
            var caught = CatchAcrossAwaits();
            True(caught.Wait(10000), "the catching async method completed");
            if (caught.IsCompleted) Equal("caught deep", caught.Result, "await rethrew the original exception type");

            var failing = ThrowAfterAwait("for Wait");
            string waitOutcome;
            try { waitOutcome = failing.Wait(10000) ? "returned true" : "timed out"; }
            catch (AggregateException ae) { waitOutcome = ae.InnerException is ChainFailure cf ? "aggregate of " + cf.Message : "aggregate of " + ae.InnerException?.GetType(); }
            catch (Exception e) { waitOutcome = "threw " + e.GetType(); }
            Equal("aggregate of for Wait", waitOutcome, "Wait() on a faulted task");
            True(failing.IsFaulted, "the task is Faulted");

            var run = Task.Run(new Func<int>(() => throw new ArgumentException("from Task.Run")));
            try { run.Wait(10000); } catch (AggregateException) { }
            if (!run.IsCompleted) { Fail("the faulting Task.Run did not complete within 10 s"); return; }
            string resultOutcome;
            try { resultOutcome = "returned " + run.Result; }
            catch (AggregateException ae) { resultOutcome = ae.InnerException is ArgumentException a ? "aggregate of " + a.Message : "aggregate of " + ae.InnerException?.GetType(); }
            catch (Exception e) { resultOutcome = "threw " + e.GetType(); }
            Equal("aggregate of from Task.Run", resultOutcome, "Result of a faulted Task.Run");

            string getResultOutcome;
            try { getResultOutcome = "returned " + run.GetAwaiter().GetResult(); }
            catch (ArgumentException e) { getResultOutcome = "original " + e.Message; }
            catch (Exception e) { getResultOutcome = "threw " + e.GetType(); }
            Equal("original from Task.Run", getResultOutcome, "GetAwaiter().GetResult() throws the original exception");
        }
    }
}
