using OrleansML.Grains.Modes;

namespace OrleansML.Training.Tests.Modes;

/// <summary>Model averaging's outer step: BMUF's block momentum by default, the spec's when it names one, and an
/// outer optimizer that moves the model by exactly the mean change when the momentum is 0.</summary>
public sealed class ModelAveragingRulesTests
{
    [Theory]
    [InlineData(1, 0f)]
    [InlineData(2, 0.5f)]
    [InlineData(4, 0.75f)]
    public void The_default_block_momentum_is_one_minus_one_over_the_workers(int workers, float expected)
    {
        Assert.Equal(expected, ModelAveragingRules.Momentum(new TrainingSpec { Workers = workers }), 6);
    }

    [Fact]
    public void A_named_momentum_wins_over_the_default_and_the_outer_optimizer_has_rate_1_and_no_l2()
    {
        var spec = new TrainingSpec { Workers = 2, AveragingMomentum = 0.9 };

        OptimizerSettings outer = ModelAveragingRules.OuterOptimizer(spec);

        Assert.Equal((OptimizerKind.Momentum, 1f, 0.9f, 0f, false, LearningRateScheduleKind.Constant),
            (outer.Kind, outer.LearningRate, outer.Momentum, outer.L2Regularization, outer.Nesterov, outer.Schedule.Kind));
    }

    [Fact]
    public void Two_rounds_move_the_model_by_the_mean_change_plus_momentum_times_the_last_move()
    {
        Optimizer outer = ModelAveragingRules.OuterOptimizer(new TrainingSpec { Workers = 2 }).Create();
        OptimizerState state = outer.CreateState(2);
        float[] model = [1f, -2f];

        // Workers moved by +0.25 and -0.5 on average: the outer gradient is start - local.
        outer.Apply(model, [-0.25f, 0.5f], state, 1);
        Assert.Equal([1.25f, -2.5f], model);

        outer.Apply(model, [-0.25f, 0.5f], state, 2);
        Assert.Equal([1.25f + 0.25f + (0.5f * 0.25f), -2.5f - 0.5f - (0.5f * 0.5f)], model);
    }
}
