using System.Runtime;
using System.Runtime.CompilerServices;
using Cosmos.Core;
using Cosmos.Core.Memory;

namespace Cosmos.Runtime.GarbageCollection
{
    /// <summary>
    /// Generation 0: one contiguous run of heap pages (<see cref="PageKind.Nursery"/>) cut into 16 KiB chunks. A thread
    /// allocates by bumping its allocation context (<see cref="RuntimeThreadState.AllocPtr"/>/<see cref="RuntimeThreadState.AllocLimit"/>,
    /// NativeAOT's gc_alloc_context) through a chunk of its own, zeroed when taken; objects lie back to back from the
    /// chunk start ([8-byte header][object], sizes rounded to 8), so a chunk is walked from its start up to the first
    /// cell whose MethodTable is 0. A minor collection (<see cref="Scavenger"/>) copies the live objects into the
    /// size-class heap and frees every chunk, except chunks holding objects that must not move (pinned, or reached
    /// conservatively): those chunks are <b>held</b> — their dead objects become filler arrays and no context takes them
    /// until a later minor collection finds them free of pins.
    /// <para>
    /// GC word (object − 8) of a nursery object: 0 (or an epoch of a full collection), <see cref="ForwardedWord"/> once
    /// copied (the MethodTable slot then holds the new address), <see cref="PinnedWord"/> while a minor collection keeps it
    /// in place. Objects larger than <see cref="MaxObjectSize"/> and objects with finalizers are allocated in the old
    /// generation directly.
    /// </para>
    /// </summary>
    internal static unsafe class Nursery
    {
        /// <summary>log2 of <see cref="ChunkSize"/>.</summary>
        public const int ChunkShift = 14;
        /// <summary>Bytes of a chunk (the unit an allocation context takes).</summary>
        public const ulong ChunkSize = 1UL << ChunkShift;
        /// <summary>Largest object (bytes, header included) the slow path puts in the nursery.</summary>
        public const uint MaxObjectSize = 2048;
        /// <summary>GC word of a nursery object that was copied; its MethodTable slot holds the copy's address.</summary>
        public const uint ForwardedWord = 0xFFFF_FFFE;
        /// <summary>GC word of a nursery object that stays in place in the current minor collection.</summary>
        public const uint PinnedWord = 0xFFFF_FFFD;

        private const byte ChunkFree = 0, ChunkInUse = 1, ChunkHeld = 2;

        private static ulong s_start, s_size;
        private static uint s_chunks, s_cursor, s_heldChunks;
        private static byte* s_state;
        private static MethodTable* s_fillerMT;
        // The stress window's bump pointer and limit are written through pointers (Unsafe.AsPointer), which the compiler
        // does not count as assignments.
#pragma warning disable CS0649
        private static ulong s_allocated, s_stressPtr, s_stressLimit;
#pragma warning restore CS0649
        private static bool s_exhausted;

        /// <summary>True once <see cref="Initialize"/> made a nursery.</summary>
        public static bool Enabled => s_size != 0;
        /// <summary>First byte of the nursery.</summary>
        public static ulong Start => s_start;
        /// <summary>Bytes of the nursery.</summary>
        public static ulong Size => s_size;
        /// <summary>Chunks of the nursery.</summary>
        public static uint ChunkCount => s_chunks;
        /// <summary>Chunks held by pinned survivors after the last minor collection.</summary>
        public static uint HeldChunks => s_heldChunks;
        /// <summary>Bytes handed out in the nursery since boot, counted when a context gives its chunk up.</summary>
        public static ulong AllocatedBytes => s_allocated;

        /// <summary>
        /// Makes a nursery of <paramref name="bytes"/> (rounded down to whole chunks) and a filler type
        /// (<paramref name="fillerMT"/>: byte[]). False when the page heap cannot supply it (then everything is allocated in
        /// the old generation, as before generations).
        /// </summary>
        public static bool Initialize(ulong bytes, MethodTable* fillerMT)
        {
            var st = RuntimeThreadState.Current;
            if ((ulong)&st->AllocPtr - (ulong)st != RuntimeThreadState.AllocPtrOffset || (ulong)&st->AllocLimit - (ulong)st != RuntimeThreadState.AllocLimitOffset)
                Panic.Halt("GC: RuntimeThreadState.AllocPtr/AllocLimit are not at the offsets the X# allocation helpers use");
            bytes &= ~(ChunkSize - 1);
            if (bytes == 0) return false;
            ulong start = Heap.AllocPages(bytes / Heap.PageSize, PageKind.Nursery);
            if (start == 0) return false;
            s_chunks = (uint)(bytes >> ChunkShift);
            s_state = Heap.Alloc(s_chunks);
            if (s_state == null) Panic.Halt("GC: no memory for the nursery chunk table");
            s_fillerMT = fillerMT;
            s_start = start;
            s_size = bytes;
            CardTable.Initialize(start, bytes);
            return true;
        }

        /// <summary>True when <paramref name="address"/> lies in the nursery.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static bool Contains(ulong address) => address - s_start < s_size;

        // ------------------------------------------------------------------ allocation

        /// <summary>
        /// A zeroed cell of <paramref name="size"/> bytes (8-aligned, ≤ <see cref="MaxObjectSize"/>) from the running thread's
        /// context (a shared one under GC stress, so that every allocation comes here), taking a new chunk and, when none is
        /// free, collecting (<paramref name="mayCollect"/>); 0 when the nursery cannot serve it (the caller uses the old
        /// generation). Interrupts must be off.
        /// </summary>
        public static ulong Alloc(ulong size, bool mayCollect)
        {
            bool stress = GarbageCollector.StressInterval != 0;
            ulong* ptr, limit;
            if (stress) { ptr = (ulong*)Unsafe.AsPointer(ref s_stressPtr); limit = (ulong*)Unsafe.AsPointer(ref s_stressLimit); }
            else { var st = RuntimeThreadState.Current; ptr = &st->AllocPtr; limit = &st->AllocLimit; }
            if (*ptr + size > *limit)
            {
                Retire(ptr, limit);
                // Every chunk held by pins even after a collection: the old generation serves until the next collection
                // frees some (without this, each allocation would start another collection).
                if (s_exhausted) return 0;
                ulong chunk = TakeChunk();
                if (chunk == 0 && mayCollect)
                {
                    GarbageCollector.CollectForAllocation(GarbageCollector.ReasonNurseryFull);
                    chunk = TakeChunk();
                    if (chunk == 0) s_exhausted = true;
                }
                if (chunk == 0) return 0;
                *ptr = chunk;
                *limit = chunk + ChunkSize;
            }
            ulong cell = *ptr;
            *ptr = cell + size;
            return cell;
        }

        private static void Retire(ulong* ptr, ulong* limit)
        {
            if (*limit != 0) s_allocated += *ptr - (*limit - ChunkSize);
            *ptr = 0;
            *limit = 0;
        }

        /// <summary>A free chunk, zeroed and marked in use, or 0.</summary>
        private static ulong TakeChunk()
        {
            for (uint n = 0; n < s_chunks; n++)
            {
                uint i = s_cursor;
                s_cursor = i + 1 == s_chunks ? 0 : i + 1;
                if (s_state[i] != ChunkFree) continue;
                s_state[i] = ChunkInUse;
                ulong chunk = s_start + ((ulong)i << ChunkShift);
                Memory.Set((byte*)chunk, 0, ChunkSize);
                return chunk;
            }
            return 0;
        }

        /// <summary>Gives up every thread's context (and the stress context) before a collection; counts their bytes.</summary>
        public static void RetireAllContexts()
        {
            Retire((ulong*)Unsafe.AsPointer(ref s_stressPtr), (ulong*)Unsafe.AsPointer(ref s_stressLimit));
            var cur = RuntimeThreadState.Current;
            Retire(&cur->AllocPtr, &cur->AllocLimit);
            for (int cursor = 0; GCToRuntime.NextLiveThread(ref cursor, out var t);)
            {
                var st = GCToRuntime.StateOf(t);
                Retire(&st->AllocPtr, &st->AllocLimit);
            }
        }

        /// <summary>State of the chunk holding <paramref name="address"/> (0 free, 1 in use, 2 held; 0xFF outside the nursery), for diagnostics.</summary>
        public static ulong ChunkStateOf(ulong address) => Contains(address) ? (ulong)s_state[(address - s_start) >> ChunkShift] : 0xFFUL;

        /// <summary>Diagnostics: writes the cells of the chunk walk up to <paramref name="address"/> to the panic output.</summary>
        public static void DumpChunkWalk(ulong address)
        {
            uint i = (uint)((address - s_start) >> ChunkShift);
            ulong cell = s_start + ((ulong)i << ChunkShift), end = cell + ChunkSize;
            Panic.Write("; walk from 0x"); Panic.WriteHex(cell);
            int n = 0;
            while (cell + 24 <= end)
            {
                ulong obj = cell + ObjectLayout.HeaderSize;
                ulong mt = *(ulong*)obj;
                if (mt == 0) { Panic.Write(" end(mt 0) at 0x"); Panic.WriteHex(cell); return; }
                ulong size = SizeOf(obj);
                if (cell + size > address - 600)
                {
                    Panic.Write(" [0x"); Panic.WriteHex(cell); Panic.Write(" mt 0x"); Panic.WriteHex(mt); Panic.Write(" w 0x"); Panic.WriteHex(*ObjectLayout.GcWord(obj)); Panic.Write(" size 0x"); Panic.WriteHex(size); Panic.Write("]");
                    if (++n > 12) return;
                }
                if (cell > address) return;
                cell += size;
            }
        }

        /// <summary>Free chunks (a test aid).</summary>
        public static uint FreeChunks
        {
            get { uint n = 0; for (uint i = 0; i < s_chunks; i++) if (s_state[i] == ChunkFree) n++; return n; }
        }

        // ------------------------------------------------------------------ walking and lookup

        /// <summary>Heap size (bytes, 8-aligned) of the nursery object at <paramref name="obj"/>, also when it was forwarded (the copy has the same MethodTable and length).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static ulong SizeOf(ulong obj)
        {
            ulong o = *ObjectLayout.GcWord(obj) == ForwardedWord ? *(ulong*)obj : obj;
            return ObjectLayout.HeapSize(o);
        }

        /// <summary>
        /// The nursery object whose cell contains <paramref name="address"/> (from its header to its last byte), or 0
        /// (free chunk, past the last object, a filler); <see cref="FindObjects"/> also names an object ending there.
        /// </summary>
        public static ulong FindObject(ulong address)
        {
            FindObjects(address, out ulong containing, out _);
            return containing;
        }

        /// <summary>
        /// The object whose cell contains <paramref name="address"/> (<paramref name="containing"/>) and the object that ends
        /// exactly at <paramref name="address"/> (<paramref name="endingAt"/>, a byref one past the end), each 0 when none.
        /// Fillers are never returned.
        /// </summary>
        public static void FindObjects(ulong address, out ulong containing, out ulong endingAt)
        {
            containing = 0; endingAt = 0;
            if (!Contains(address)) return;
            uint i = (uint)((address - s_start) >> ChunkShift);
            if (s_state[i] == ChunkFree) return;
            ulong cell = s_start + ((ulong)i << ChunkShift), end = cell + ChunkSize;
            while (cell + 24 <= end)
            {
                ulong obj = cell + ObjectLayout.HeaderSize;
                ulong mt = *(ulong*)obj;
                if (mt == 0) return;
                ulong size = SizeOf(obj);
                if (address < cell) return;
                bool filler = mt == (ulong)s_fillerMT && *ObjectLayout.GcWord(obj) == 0 && IsFillerCell(cell);
                if (address == cell + size && !filler) endingAt = obj;
                if (address < cell + size)
                {
                    if (!filler) containing = obj;
                    return;
                }
                cell += size;
            }
        }

        // A filler is a byte[] with GC word 0 whose sync word holds FillerSyncWord: a value the CoreLib would only write as a
        // sync-table index of 0x1ADF111 (it never has that many entries here).
        private const uint FillerSyncWord = 0x0BADF111;

        private static bool IsFillerCell(ulong cell) => *(uint*)(cell + 4) == FillerSyncWord;

        /// <summary>True when <paramref name="obj"/> is exactly the start of a nursery object (not a filler).</summary>
        public static bool IsObjectStart(ulong obj) => obj >= ObjectLayout.HeaderSize && FindObject(obj - ObjectLayout.HeaderSize) == obj;

        /// <summary>Calls <paramref name="visit"/> for every object (not fillers, not forwarded) in the chunks in use or held.</summary>
        public static void ForEachObject(delegate*<ulong, void> visit)
        {
            for (uint i = 0; i < s_chunks; i++)
            {
                if (s_state[i] == ChunkFree) continue;
                ulong cell = s_start + ((ulong)i << ChunkShift), end = cell + ChunkSize;
                while (cell + 24 <= end)
                {
                    ulong obj = cell + ObjectLayout.HeaderSize;
                    if (*(ulong*)obj == 0) break;
                    ulong size = SizeOf(obj);
                    if (!IsFillerCell(cell) && *ObjectLayout.GcWord(obj) != ForwardedWord) visit(obj);
                    cell += size;
                }
            }
        }

        // ------------------------------------------------------------------ minor collection support

        /// <summary>Marks the chunk of <paramref name="obj"/> held (it keeps a pinned survivor).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void HoldChunkOf(ulong obj) => s_state[(obj - s_start) >> ChunkShift] = ChunkHeld;

        /// <summary>Start of a minor collection: chunks held since the last one become ordinary chunks in use again.</summary>
        public static void BeginMinor()
        {
            for (uint i = 0; i < s_chunks; i++) if (s_state[i] == ChunkHeld) s_state[i] = ChunkInUse;
        }

        /// <summary>
        /// End of a minor collection: every chunk in use that no pinned survivor holds becomes free (poisoned under
        /// <see cref="GarbageCollector.PoisonFreedObjects"/>, so a reference to a moved object's old copy faults); in held
        /// chunks the survivors get GC word 0 again and every run of dead or moved objects becomes one filler. Returns the
        /// number of survivors left in place and counts the objects that died in <paramref name="deadObjects"/> when
        /// <paramref name="countDead"/> (walks every chunk).
        /// </summary>
        public static ulong EndMinor(bool countDead, out ulong deadObjects)
        {
            ulong pinned = 0, dead = 0;
            s_heldChunks = 0;
            s_exhausted = false;
            for (uint i = 0; i < s_chunks; i++)
            {
                byte state = s_state[i];
                if (state == ChunkFree) continue;
                ulong chunk = s_start + ((ulong)i << ChunkShift);
                if (state == ChunkInUse)
                {
                    if (countDead) dead += CountDead(chunk);
                    s_state[i] = ChunkFree;
                    if (GarbageCollector.PoisonFreedObjects) PoisonChunk(chunk);
                    continue;
                }
                s_heldChunks++;
                pinned += Compact(chunk, ref dead);
            }
            deadObjects = dead;
            return pinned;
        }

        private static ulong CountDead(ulong chunk)
        {
            ulong n = 0, cell = chunk, end = chunk + ChunkSize;
            while (cell + 24 <= end)
            {
                ulong obj = cell + ObjectLayout.HeaderSize;
                if (*(ulong*)obj == 0) break;
                if (*ObjectLayout.GcWord(obj) != ForwardedWord && !IsFillerCell(cell)) n++;
                cell += SizeOf(obj);
            }
            return n;
        }

        private static void PoisonChunk(ulong chunk)
        {
            for (ulong* p = (ulong*)chunk; p < (ulong*)(chunk + ChunkSize); p++) *p = SmallObjectSpace.PoisonPattern;
        }

        /// <summary>Turns the dead and moved objects of a held chunk into fillers; survivors get GC word 0. Returns the survivors.</summary>
        private static ulong Compact(ulong chunk, ref ulong dead)
        {
            ulong survivors = 0, cell = chunk, end = chunk + ChunkSize, gap = 0;
            while (cell + 24 <= end)
            {
                ulong obj = cell + ObjectLayout.HeaderSize;
                if (*(ulong*)obj == 0) break;
                uint* w = ObjectLayout.GcWord(obj);
                ulong size = SizeOf(obj);
                if (*w == PinnedWord)
                {
                    *w = 0;
                    survivors++;
                    if (gap != 0) { MakeFiller(gap, cell - gap); gap = 0; }
                }
                else
                {
                    if (*w != ForwardedWord && !IsFillerCell(cell)) dead++;
                    if (gap == 0) gap = cell;
                }
                cell += size;
            }
            if (gap != 0) MakeFiller(gap, cell - gap);
            return survivors;
        }

        /// <summary>Writes a filler (a byte[] of the right length, sync word <see cref="FillerSyncWord"/>) over [cell, cell + bytes); bytes ≥ 24.</summary>
        private static void MakeFiller(ulong cell, ulong bytes)
        {
            *(ulong*)cell = 0;
            *(uint*)(cell + 4) = FillerSyncWord;
            *(ulong*)(cell + 8) = (ulong)s_fillerMT;
            *(uint*)(cell + 16) = (uint)(bytes - s_fillerMT->BaseSize);
            if (GarbageCollector.PoisonFreedObjects)
                for (ulong* p = (ulong*)(cell + 24); p < (ulong*)(cell + bytes); p++) *p = SmallObjectSpace.PoisonPattern;
        }
    }
}
