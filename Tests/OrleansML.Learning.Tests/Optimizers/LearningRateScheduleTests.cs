namespace OrleansML.Learning.Tests.Optimizers;

public class LearningRateScheduleTests
{
    [Theory]
    [InlineData(LearningRateScheduleKind.Constant, 1, 0.1)]
    [InlineData(LearningRateScheduleKind.Constant, 1_000_000, 0.1)]
    [InlineData(LearningRateScheduleKind.StepDecay, 1, 0.1)]
    [InlineData(LearningRateScheduleKind.StepDecay, 10, 0.1)]
    [InlineData(LearningRateScheduleKind.StepDecay, 11, 0.05)]
    [InlineData(LearningRateScheduleKind.StepDecay, 31, 0.0125)]
    [InlineData(LearningRateScheduleKind.ExponentialDecay, 11, 0.05)]
    [InlineData(LearningRateScheduleKind.ExponentialDecay, 6, 0.0707106781)]
    [InlineData(LearningRateScheduleKind.InverseTime, 21, 0.05)]
    [InlineData(LearningRateScheduleKind.InverseSqrt, 31, 0.05)]
    [InlineData(LearningRateScheduleKind.Cosine, 1, 0.1)]
    [InlineData(LearningRateScheduleKind.Cosine, 6, 0.055)]
    [InlineData(LearningRateScheduleKind.Cosine, 11, 0.01)]
    [InlineData(LearningRateScheduleKind.Cosine, 500, 0.01)]
    public void Rate_at_chosen_steps(LearningRateScheduleKind kind, long step, double expected)
    {
        // Base 0.1, decay 0.5 per 10 updates; InverseTime: 0.1 / (1 + 0.5 * 20 / 10); Cosine to 0.01 over 10.
        var settings = new LearningRateScheduleSettings { Kind = kind, DecayRate = 0.5, DecaySteps = 10, MinimumRate = 0.01f };
        Assert.Equal(expected, settings.Create(0.1f).RateAt(step), 1e-8);
    }

    [Fact]
    public void Warmup_ramps_linearly_then_hands_over_to_the_decay()
    {
        var settings = new LearningRateScheduleSettings { Kind = LearningRateScheduleKind.StepDecay, DecayRate = 0.5, DecaySteps = 10, WarmupSteps = 4 };
        LearningRateSchedule schedule = settings.Create(0.2f);

        Assert.Equal(0.05, schedule.RateAt(1), 1e-8);
        Assert.Equal(0.15, schedule.RateAt(3), 1e-8);
        Assert.Equal(0.2, schedule.RateAt(4), 1e-8);
        Assert.Equal(0.2, schedule.RateAt(14), 1e-8);
        Assert.Equal(0.1, schedule.RateAt(15), 1e-8);
    }

    [Fact]
    public void Sgd_uses_the_scheduled_rate()
    {
        var settings = new OptimizerSettings
        {
            LearningRate = 1f,
            Schedule = new LearningRateScheduleSettings { Kind = LearningRateScheduleKind.StepDecay, DecayRate = 0.5, DecaySteps = 1 },
        };
        Optimizer sgd = settings.Create();
        float[] weights = [0];
        OptimizerState state = sgd.CreateState(1);
        sgd.Apply(weights, [1], state, 3);
        Assert.Equal(-0.25f, weights[0]);
    }
}
