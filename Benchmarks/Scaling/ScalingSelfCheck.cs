using System.Globalization;

namespace OrleansML.Benchmarks.Scaling;

/// <summary>
/// <c>scaling --self-check</c>: the model's arithmetic against cases computed by hand (the numbers in each case's
/// comment), so a change to a formula that alters a prediction fails here. No cluster, no data, no timing.
/// Last line: <c>scaling self_check passed=N failed=M</c>; the exit code is 1 if any failed.
/// </summary>
internal static class ScalingSelfCheck
{
    public static int Run(TextWriter output)
    {
        int passed = 0;
        int failed = 0;
        void Expect(string name, double actual, double expected)
        {
            bool ok = Math.Abs(actual - expected) <= (1e-9 * Math.Max(1, Math.Abs(expected))) + 1e-12;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{(ok ? "ok  " : "FAIL")} {name}: {actual:G10} (expected {expected:G10})"));
            (passed, failed) = ok ? (passed + 1, failed) : (passed, failed + 1);
        }

        // 1 us/row, batch 128, a 1000-byte dense model, 1280 rows (10 steps an epoch), one epoch to target.
        var dense = new Workload("case", 1e-6, 1280, 128, 1000, 1);
        var link = new LinkCosts(RoundTripSeconds: 100e-6, BandwidthBytesPerSecond: 1e6, MessageSeconds: 10e-6, SerializationSecondsPerByte: 1e-9, StepOverheadSeconds: 50e-6);
        var settings = new ModeSettings(AveragingInterval: 4);
        var two = new ClusterShape(Hosts: 2, Workers: 2, Shards: 2, ParallelCores: 2);

        // compute 128 x 1us / 2 = 64; messages 100 + 10 x (2 - 1) = 110; wire 0.5 x 2000 B / 1 MB/s = 1000;
        // serialization of the remote half 0.5 x 2000 x 1 ns = 1; the slower of 2 hosts 50 x 1/2 = 25 (2 busy
        // processes on 2 cores: no contention): 1200 us a step, 10 steps.
        StepTime bsp = StepCostModel.Bsp(dense, two, link);
        Expect("BSP 2 hosts: compute", bsp.Compute, 64e-6);
        Expect("BSP 2 hosts: messages", bsp.Messages, 110e-6);
        Expect("BSP 2 hosts: wire", bsp.Wire, 1000e-6);
        Expect("BSP 2 hosts: serialization", bsp.Serialization, 1e-6);
        Expect("BSP 2 hosts: barrier", bsp.Overhead, 25e-6);
        Expect("BSP 2 hosts: time to target", StepCostModel.Predict(ScalingMode.Bsp, dense, two, link, settings).Seconds, 12.0e-3);

        // One host: nothing remote (no wire, no serialization, no peers to wait for, one local call), one worker
        // computes all 128 rows: 128 + 10.
        StepTime local = StepCostModel.Bsp(dense, new ClusterShape(1, 1, 1, 2), link);
        Expect("BSP 1 host: step", local.Total, 138e-6);
        Expect("BSP 1 host: wire", local.Wire, 0);

        // Fan-in: 4 workers on 1 shard, 4 hosts' processes on 2 cores (contention 4 / 2 = 2). Shard bytes 4 x 2000;
        // wire 0.75 x 8000 / 1e6 = 6000 (not CPU: unstretched); messages 2 x (100 + 3 x 10) = 260; serialization
        // 2 x 0.75 x 8000 ns = 12; compute 128 / 2 = 64; barrier 2 x 50 x (1/2 + 1/3 + 1/4) = 108 1/3.
        StepTime fanIn = StepCostModel.Bsp(dense, new ClusterShape(4, 4, 1, 2), link);
        Expect("BSP fan-in 4:1: wire", fanIn.Wire, 6000e-6);
        Expect("BSP fan-in 4:1: messages", fanIn.Messages, 260e-6);
        Expect("BSP fan-in 4:1: serialization", fanIn.Serialization, 12e-6);
        Expect("BSP fan-in 4:1: barrier", fanIn.Overhead, 50e-6 * 2 * 13 / 12);
        Expect("BSP fan-in 4:1: step", fanIn.Total, (6336e-6) + (50e-6 * 2 * 13 / 12));

        // 3 hosts on 1.5 cores (contention 2): compute 128 / 1.5 = 85 1/3; messages 2 x (100 + 2 x 10) = 240;
        // wire 2/3 x 2000 / 1e6 = 1333 1/3; serialization 2 x 2/3 x 2000 ns = 2 2/3; barrier 2 x 50 x (1/2 + 1/3).
        StepTime three = StepCostModel.Bsp(dense, new ClusterShape(3, 3, 3, 1.5), link);
        Expect("BSP 3 hosts on 1.5 cores: compute", three.Compute, 128e-6 / 1.5);
        Expect("BSP 3 hosts on 1.5 cores: messages", three.Messages, 240e-6);
        Expect("BSP 3 hosts on 1.5 cores: barrier", three.Overhead, 100e-6 * 5 / 6);
        Expect("BSP 3 hosts on 1.5 cores: step", three.Total, (128e-6 / 1.5) + 240e-6 + (2000e-6 / 1.5) + (4e-6 / 1.5) + (500e-6 / 6));

        // The slowest of n hosts: 1/2 + ... + 1/n; 128 hosts: H_128 - 1 = ln 128 + 0.5772157 (Euler's constant)
        // + 1/256 - 1/(12 x 128^2) - 1 = 4.4331471 (where a wait per peer would be 127).
        Expect("slowest of 1 host", new ClusterShape(1, 1, 1, 1).SlowestOfHosts, 0);
        Expect("slowest of 128 hosts", new ClusterShape(128, 128, 128, 128).SlowestOfHosts, Math.Log(128) + 0.5772156649 + (1.0 / 256) - (1.0 / (12 * 128 * 128)) - 1);

        // A wire factor of 1.5 stretches the wire term alone.
        Expect("BSP wire factor 1.5: wire", StepCostModel.Bsp(dense, two, link with { WireFactor = 1.5 }).Wire, 1500e-6);

        // Averaging H=4: compute 64, the exchange and barrier over 4: 27.5 + 250 + 0.25 + 6.25; epochs x (1 + 0.05 x 3 x 1/2).
        ScalingPrediction averaging = StepCostModel.Predict(ScalingMode.Averaging, dense, two, link, settings);
        Expect("averaging H=4: step", averaging.Step.Total, 348e-6);
        Expect("averaging H=4: steps", averaging.Steps, 10.75);

        // ASP: the worker's own step (64 + 110 + 1000 + 1 = 1175) exceeds the shard's service of 2 calls
        // (2 x 10 + 1 + 0.5 x 2000 / 1e6 s = 1021); staleness 1 costs 5 % more steps.
        ScalingPrediction asp = StepCostModel.Predict(ScalingMode.Asp, dense, two, link, settings);
        Expect("ASP 2 hosts: step", asp.Step.Total, 1175e-6);
        Expect("ASP 2 hosts: steps", asp.Steps, 10.5);

        // L-BFGS: 1.1 passes of 1280 rows on 2 cores (704) and 1.1 exchanges of the dense model (121 + 1100 + 1.1 + 27.5).
        ScalingPrediction lbfgs = StepCostModel.Predict(ScalingMode.Lbfgs, dense, two, link, settings with { LbfgsIterations = 100 });
        Expect("L-BFGS: iteration", lbfgs.Step.Total, 1953.6e-6);
        Expect("L-BFGS: iterations", lbfgs.Steps, 100);

        // Zipf keys: 2 ids with p = 2/3, 1/3 (exponent 1). One draw touches 1 id; two draws 8/9 + 5/9 = 13/9.
        var zipf = new ZipfKeys(2, 1.0, 1);
        Expect("Zipf keys, 1 draw", zipf.Expected(1), 1);
        Expect("Zipf keys, 2 draws", zipf.Expected(2), 13.0 / 9);

        // A sparse push is 8 bytes a key (key and value), capped by the dense model (1000 bytes: 250 keys).
        var sparse = dense with { SparseKeys = rows => rows * 3 };
        Expect("sparse push, 10 rows", sparse.PushBytes(10), 240);
        Expect("sparse push, capped", sparse.PushBytes(1000), 2000);

        // The fit recovers the constants of rows built from them: measured = fixed + kappa x barrier + gamma x wire.
        FitRow[] rows = [.. new[] { (100e-6, 0.0, 0.0), (300e-6, 0.5, 0.0), (500e-6, 0.8333, 0.0), (200e-6, 0.5, 1000e-6), (250e-6, 0.8333, 2000e-6) }
            .Select(r => new FitRow(r.Item1, r.Item2, r.Item3, r.Item1 + (150e-6 * r.Item2) + (1.25 * r.Item3)))];
        (double kappa, double gamma) = ScalingFit.Fit(rows);
        Expect("fit: kappa", kappa, 150e-6);
        Expect("fit: gamma", gamma, 1.25);

        // A saved run reads back as written; a bad field is named.
        Expect("saved run: round trip", ScalingRecordCheck.RoundTrip(), 1);
        Expect("saved run: a bad field is named", ScalingRecordCheck.BadFieldNamed(), 1);

        output.WriteLine($"scaling self_check passed={passed} failed={failed}");
        return failed == 0 ? 0 : 1;
    }
}
