using System;
using System.Collections.Generic;
using Recipe.Runtime.Loading;

namespace Recipe.Loading.Tests;

/// <summary>Step boundaries of a batch-size schedule: a pure function, equal to walking the run step by step.</summary>
public class StepPlanTests
{
    /// <summary>The reference: from the origin, each step is the size in force at its first sample, while it fits.</summary>
    private static List<StepSpan> Walk(BatchSizeSchedule schedule, int worldSize, long origin, long samples)
    {
        var steps = new List<StepSpan>();
        long sample = origin;
        while (true)
        {
            int rows = schedule.RowsPerRankAt(sample);
            if (sample + (long)rows * worldSize > samples) return steps;
            steps.Add(new StepSpan(sample, rows));
            sample += (long)rows * worldSize;
        }
    }

    [Fact]
    public void A_ramp_changes_size_at_the_first_boundary_at_or_after_its_start()
    {
        var plan = new StepPlan(BatchSizeSchedule.Ramp((0, 4), (10, 8), (50, 16)), worldSize: 2, origin: 0, samples: 200);
        // 8 samples a step until sample 16 (the first boundary >= 10), then 16 a step until 64 (the first >= 50), then 32.
        Assert.Equal(new StepSpan(0, 4), plan[0]);
        Assert.Equal(new StepSpan(8, 4), plan[1]);
        Assert.Equal(new StepSpan(16, 8), plan[2]);
        Assert.Equal(new StepSpan(48, 8), plan[4]);
        Assert.Equal(new StepSpan(64, 16), plan[5]);
        Assert.Equal(new StepSpan(160, 16), plan[8]);
        Assert.Equal(9, plan.Count);
        Assert.Equal(192, plan.End);
        Assert.Equal(16, plan.MaxRowsPerRank);
    }

    [Fact]
    public void Random_schedules_origins_and_world_sizes_match_walking_the_steps()
    {
        var random = new Random(20261204);
        for (int trial = 0; trial < 2000; trial++)
        {
            int entries = random.Next(1, 5);
            var changes = new List<(long, int)> { (0, random.Next(1, 9)) };
            long start = 0;
            for (int i = 1; i < entries; i++)
            {
                start += random.Next(1, 60);
                changes.Add((start, random.Next(1, 9)));
            }
            var schedule = BatchSizeSchedule.Ramp(changes.ToArray());
            int world = random.Next(1, 5);
            long samples = random.Next(0, 400);
            long origin = random.Next(0, (int)samples + 1);
            var plan = new StepPlan(schedule, world, origin, samples);
            var expected = Walk(schedule, world, origin, samples);

            Assert.Equal(expected.Count, plan.Count);
            for (int j = 0; j < expected.Count; j++)
            {
                Assert.Equal(expected[j], plan[j]);
                Assert.True(plan.TryFindStep(expected[j].FirstSample, out long found));
                Assert.Equal(j, found);
            }
            long end = expected.Count == 0 ? origin : expected[^1].FirstSample + (long)expected[^1].RowsPerRank * world;
            Assert.Equal(end, plan.End);
            var boundaries = new HashSet<long>();
            foreach (var step in expected) boundaries.Add(step.FirstSample);
            for (long sample = origin; sample < end; sample++)
            {
                Assert.Equal(boundaries.Contains(sample), plan.TryFindStep(sample, out _));
            }
        }
    }

    [Fact]
    public void A_fixed_size_cuts_equal_steps_and_drops_the_samples_that_do_not_fill_one()
    {
        var plan = new StepPlan(BatchSizeSchedule.Fixed(8), worldSize: 4, origin: 0, samples: 1000);
        Assert.Equal(31, plan.Count);
        Assert.Equal(new StepSpan(30 * 32, 8), plan[30]);
        Assert.Equal(992, plan.End);
        Assert.Throws<ArgumentOutOfRangeException>(() => plan[31]);
    }

    [Fact]
    public void Steps_resumed_off_a_boundary_start_at_the_resume_sample()
    {
        var plan = new StepPlan(BatchSizeSchedule.Fixed(8), worldSize: 4, origin: 100, samples: 1000);
        Assert.Equal(new StepSpan(100, 8), plan[0]);
        Assert.Equal(new StepSpan(132, 8), plan[1]);
        Assert.Equal(28, plan.Count);
    }

    [Fact]
    public void A_change_far_in_the_future_does_not_overflow()
    {
        var plan = new StepPlan(BatchSizeSchedule.Ramp((0, 2), (long.MaxValue, 4)), worldSize: 3, origin: 0, samples: long.MaxValue / 2);
        Assert.Equal(long.MaxValue / 2 / 6, plan.Count);
        Assert.Equal(new StepSpan(6L * (plan.Count - 1), 2), plan[plan.Count - 1]);
    }

    [Theory]
    [InlineData("empty")]
    [InlineData("zero")]
    [InlineData("negative")]
    [InlineData("late start")]
    [InlineData("not increasing")]
    public void Bad_schedules_are_refused_naming_the_entry(string fault)
    {
        var error = Assert.Throws<ArgumentException>(() => fault switch
        {
            "empty" => BatchSizeSchedule.Ramp(Array.Empty<(long, int)>()),
            "zero" => BatchSizeSchedule.Ramp((0, 4), (100, 0)),
            "negative" => BatchSizeSchedule.Fixed(-2),
            "late start" => BatchSizeSchedule.Ramp((16, 4)),
            _ => BatchSizeSchedule.Ramp((0, 4), (100, 8), (100, 16)),
        });
        string expected = fault switch
        {
            "empty" => "needs at least one",
            "zero" => "entry 1 (100, 0): rows per rank must be at least 1",
            "negative" => "entry 0 (0, -2): rows per rank must be at least 1",
            "late start" => "entry 0 starts at sample 16",
            _ => "entry 2 starts at sample 100, not after entry 1's 100",
        };
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void The_schedule_prints_as_its_pairs()
    {
        Assert.Equal("[(0, 4), (4096, 8)]", BatchSizeSchedule.Ramp((0, 4), (4096, 8)).ToString());
        Assert.Equal(BatchSizeSchedule.Ramp((0, 4), (4096, 8)), BatchSizeSchedule.Ramp((0, 4), (4096, 8)));
    }
}
