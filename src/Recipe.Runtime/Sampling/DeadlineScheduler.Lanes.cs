using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Recipe.Runtime.Sampling;

internal partial struct DeadlineScheduler<TIntegral>
{
    /// <summary>Schedulers a lanes pass runs together: one per 64-bit lane of an AVX-512 register.</summary>
    internal const int LaneCount = 8;

    /// <summary>Sources a lanes pass holds in registers, one register of eight lanes each for keys and for releases.</summary>
    internal const int MaxLaneSources = 8;

    /// <summary>Whether <see cref="SkipInLanes"/> runs in lanes here for this schedule (else the schedulers skip one by one).</summary>
    internal static bool LanesSupported(int sources) => InRegisters(sources);

    private static bool InRegisters(int sources) => VectorPaths.Enabled && Avx2.IsSupported && sources <= MaxLaneSources;

    /// <summary>Eight schedulers whose rings share two arrays, as <see cref="SkipInLanes"/> needs.</summary>
    internal static DeadlineScheduler<TIntegral>[] CreateLanes(CompiledRecipe<TIntegral> recipe)
    {
        int stride = recipe.SourceCount * Ring;
        var keys = new long[LaneCount * stride];
        var releases = new long[LaneCount * stride];
        var chains = new DeadlineScheduler<TIntegral>[LaneCount];
        for (int c = 0; c < LaneCount; c++) chains[c] = new DeadlineScheduler<TIntegral>(recipe, keys, releases, c * stride);
        return chains;
    }

    /// <summary>
    /// <see cref="Skip"/> of the eight schedulers of <see cref="CreateLanes"/> by <paramref name="samples"/> each, in
    /// the lanes of AVX-512 registers: lane c of register k holds scheduler c's key (and release) of source k. A slot
    /// of all eight is one minimum across the source registers, lane by lane (no reduction across lanes, no branch
    /// on the choice), and one gather of each lane's next window from its ring, at the place the chosen key carries
    /// in its low bits. The steps of one scheduler are a chain of dependent operations; eight side by side keep the
    /// core busy. Each lane counts its pops per source in a byte of one register; at the end of a block of
    /// <see cref="Lookahead"/> slots (no source pops more) the counts are updated and the ring halves emptied refilled.
    /// </summary>
    internal static void SkipInLanes(DeadlineScheduler<TIntegral>[] chains, long samples) => RunInLanes(chains, samples, default);

    /// <summary>
    /// <see cref="SkipInLanes"/> keeping the sources chosen: <paramref name="choices"/>[i * 8 + c] is scheduler c's
    /// source of its i-th sample (<paramref name="samples"/> × 8 bytes).
    /// </summary>
    internal static void AssignInLanes(DeadlineScheduler<TIntegral>[] chains, long samples, Span<byte> choices) => RunInLanes(chains, samples, choices);

    private static unsafe void RunInLanes(DeadlineScheduler<TIntegral>[] chains, long samples, Span<byte> choices)
    {
        int sources = chains[0]._counts.Length;
        bool record = !choices.IsEmpty;
        System.Diagnostics.Debug.Assert(chains.Length == LaneCount && (!record || choices.Length >= samples * LaneCount));
#if DEBUG
        // The gathers read every lane's ring through the first scheduler's arrays.
        for (int c = 1; c < chains.Length; c++)
        {
            System.Diagnostics.Debug.Assert(chains[c]._queuedKey == chains[0]._queuedKey && chains[c]._queuedRelease == chains[0]._queuedRelease);
        }
#endif
        if (!InRegisters(sources))
        {
            if (!record)
            {
                foreach (ref var chain in chains.AsSpan()) chain.Skip(samples);
                return;
            }
            for (int c = 0; c < LaneCount; c++)
            {
                for (long i = 0; i < samples; i++) choices[(int)(i * LaneCount + c)] = (byte)chains[c].Next(out _);
            }
            return;
        }
        long sourceMask = chains[0]._sourceMask;
        Span<long> transposed = stackalloc long[MaxLaneSources * LaneCount];
        // Counts by source, lane c of register k (kept in memory: read and written once a block).
        Span<long> counts = stackalloc long[MaxLaneSources * LaneCount];
        for (int k = 0; k < sources; k++)
        {
            for (int c = 0; c < LaneCount; c++) counts[k * LaneCount + c] = chains[c]._counts[k];
        }

        // Registers by source: key, release; sources past the schedule's are never released and never chosen.
        Vector512<long> LoadSource(Span<long> buffer, int k, bool release)
        {
            for (int c = 0; c < LaneCount; c++)
            {
                buffer[c] = k >= sources ? (release ? Never : Unreleased - 1) : release ? chains[c]._release[k] : chains[c]._key[k];
            }
            return Vector512.Create<long>(buffer[..LaneCount]);
        }

        var key0 = LoadSource(transposed, 0, false);
        var key1 = LoadSource(transposed, 1, false);
        var key2 = LoadSource(transposed, 2, false);
        var key3 = LoadSource(transposed, 3, false);
        var key4 = LoadSource(transposed, 4, false);
        var key5 = LoadSource(transposed, 5, false);
        var key6 = LoadSource(transposed, 6, false);
        var key7 = LoadSource(transposed, 7, false);
        var release0 = LoadSource(transposed, 0, true);
        var release1 = LoadSource(transposed, 1, true);
        var release2 = LoadSource(transposed, 2, true);
        var release3 = LoadSource(transposed, 3, true);
        var release4 = LoadSource(transposed, 4, true);
        var release5 = LoadSource(transposed, 5, true);
        var release6 = LoadSource(transposed, 6, true);
        var release7 = LoadSource(transposed, 7, true);
        for (int c = 0; c < LaneCount; c++) transposed[c] = chains[c].Emitted;
        var now = Vector512.Create<long>(transposed[..LaneCount]);
        for (int c = 0; c < LaneCount; c++) transposed[c] = chains[c]._ringBase;
        var ringBase = Vector512.Create<long>(transposed[..LaneCount]);
        var lift = Vector512.Create(Unreleased);
        var mask = Vector512.Create(sourceMask);
        var places = Vector512.Create((long)(Ring - 1));
        var one = Vector512<long>.One;

        ref byte recorded = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(choices);
        fixed (long* ringKeys = chains[0]._queuedKey, ringReleases = chains[0]._queuedRelease)
        {
            for (long done = 0; done < samples;)
            {
                long block = Math.Min(Lookahead, samples - done);
                // Byte k of lane c: scheduler c's pops of source k in this block.
                var pops = Vector512<long>.Zero;
                for (long i = 0; i < block; i++)
                {
                    now += one;
                    var best = Vector512.Min(
                        Vector512.Min(
                            Vector512.Min(Candidate(key0, release0, now, lift), Candidate(key1, release1, now, lift)),
                            Vector512.Min(Candidate(key2, release2, now, lift), Candidate(key3, release3, now, lift))),
                        Vector512.Min(
                            Vector512.Min(Candidate(key4, release4, now, lift), Candidate(key5, release5, now, lift)),
                            Vector512.Min(Candidate(key6, release6, now, lift), Candidate(key7, release7, now, lift))));
                    var stalled = Vector512.GreaterThanOrEqual(best, lift);
                    if (stalled != Vector512<long>.Zero)
                    {
                        // No window released in some lane (see EarliestRelease): the key of the earliest release there,
                        // ties to the lower source.
                        var earliest = Vector512.Min(
                            Vector512.Min(Vector512.Min(release0, release1), Vector512.Min(release2, release3)),
                            Vector512.Min(Vector512.Min(release4, release5), Vector512.Min(release6, release7)));
                        var first = key7;
                        first = Vector512.ConditionalSelect(Vector512.Equals(release6, earliest), key6, first);
                        first = Vector512.ConditionalSelect(Vector512.Equals(release5, earliest), key5, first);
                        first = Vector512.ConditionalSelect(Vector512.Equals(release4, earliest), key4, first);
                        first = Vector512.ConditionalSelect(Vector512.Equals(release3, earliest), key3, first);
                        first = Vector512.ConditionalSelect(Vector512.Equals(release2, earliest), key2, first);
                        first = Vector512.ConditionalSelect(Vector512.Equals(release1, earliest), key1, first);
                        first = Vector512.ConditionalSelect(Vector512.Equals(release0, earliest), key0, first);
                        best = Vector512.ConditionalSelect(stalled, first, best);
                    }
                    var chosen = Vector512.ShiftRightLogical(best, RingBits) & mask;
                    if (record)
                    {
                        Unsafe.WriteUnaligned(ref Unsafe.Add(ref recorded, (nint)((done + i) * LaneCount)), Avx512F.ConvertToVector128Byte(chosen).AsUInt64().ToScalar());
                    }
                    // The window after the chosen one: the next place in the chosen source's ring.
                    var at = ringBase + Vector512.ShiftLeft(chosen, RingBits) + ((best + one) & places);
                    var nextKey = Vector512.Create(
                        Avx2.GatherVector256(ringKeys, at.GetLower(), 8), Avx2.GatherVector256(ringKeys, at.GetUpper(), 8));
                    var nextRelease = Vector512.Create(
                        Avx2.GatherVector256(ringReleases, at.GetLower(), 8), Avx2.GatherVector256(ringReleases, at.GetUpper(), 8));
                    pops += Avx512F.ShiftLeftLogicalVariable(one, Vector512.ShiftLeft(chosen, 3).AsUInt64());
                    Serve(ref key0, ref release0, chosen, 0, nextKey, nextRelease);
                    Serve(ref key1, ref release1, chosen, 1, nextKey, nextRelease);
                    Serve(ref key2, ref release2, chosen, 2, nextKey, nextRelease);
                    Serve(ref key3, ref release3, chosen, 3, nextKey, nextRelease);
                    Serve(ref key4, ref release4, chosen, 4, nextKey, nextRelease);
                    Serve(ref key5, ref release5, chosen, 5, nextKey, nextRelease);
                    Serve(ref key6, ref release6, chosen, 6, nextKey, nextRelease);
                    Serve(ref key7, ref release7, chosen, 7, nextKey, nextRelease);
                }
                done += block;
                // Counts, and the ring halves emptied: a source popped the last window of a half (sample j with
                // j % 8 = 7; the window popped is that of its count + 1) when (count + 2) / 8 moved. The half then
                // takes samples j + 9 .. j + 16, after the other half's.
                var two = Vector512.Create(2L);
                for (int k = 0; k < sources; k++)
                {
                    ref long lanes = ref counts[k * LaneCount];
                    var before = Vector512.LoadUnsafe(ref lanes);
                    var after = before + (Vector512.ShiftRightLogical(pops, 8 * k) & Vector512.Create(0xFFL));
                    after.StoreUnsafe(ref lanes);
                    var moved = ~Vector512.Equals(Vector512.ShiftRightArithmetic(before + two, 3), Vector512.ShiftRightArithmetic(after + two, 3));
                    for (ulong refills = moved.ExtractMostSignificantBits(); refills != 0; refills &= refills - 1)
                    {
                        int c = System.Numerics.BitOperations.TrailingZeroCount(refills);
                        long count = Unsafe.Add(ref lanes, c);
                        chains[c].Refill(k, ((count + 2) & ~(long)(Lookahead - 1)) - 1 + Lookahead);
                    }
                }
            }
        }

        for (int k = 0; k < sources; k++)
        {
            for (int c = 0; c < LaneCount; c++) chains[c]._counts[k] = counts[k * LaneCount + c];
        }

        void StoreSource(Vector512<long> values, int k, bool release, Span<long> buffer)
        {
            if (k >= sources) return;
            values.CopyTo(buffer);
            for (int c = 0; c < LaneCount; c++)
            {
                if (release) chains[c]._release[k] = buffer[c];
                else chains[c]._key[k] = buffer[c];
            }
        }

        StoreSource(key0, 0, false, transposed);
        StoreSource(key1, 1, false, transposed);
        StoreSource(key2, 2, false, transposed);
        StoreSource(key3, 3, false, transposed);
        StoreSource(key4, 4, false, transposed);
        StoreSource(key5, 5, false, transposed);
        StoreSource(key6, 6, false, transposed);
        StoreSource(key7, 7, false, transposed);
        StoreSource(release0, 0, true, transposed);
        StoreSource(release1, 1, true, transposed);
        StoreSource(release2, 2, true, transposed);
        StoreSource(release3, 3, true, transposed);
        StoreSource(release4, 4, true, transposed);
        StoreSource(release5, 5, true, transposed);
        StoreSource(release6, 6, true, transposed);
        StoreSource(release7, 7, true, transposed);
        for (int c = 0; c < LaneCount; c++) chains[c].Emitted += samples;
    }

    /// <summary>The key where the window is released at <paramref name="now"/>, lifted above every real key where not.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<long> Candidate(Vector512<long> key, Vector512<long> release, Vector512<long> now, Vector512<long> lift) =>
        key | (Vector512.GreaterThan(release, now) & lift);

    /// <summary>Where lane c chose source k, its pending window becomes the next one.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Serve(ref Vector512<long> key, ref Vector512<long> release, Vector512<long> chosen, long k, Vector512<long> nextKey, Vector512<long> nextRelease)
    {
        var served = Vector512.Equals(chosen, Vector512.Create(k));
        key = Vector512.ConditionalSelect(served, nextKey, key);
        release = Vector512.ConditionalSelect(served, nextRelease, release);
    }
}
