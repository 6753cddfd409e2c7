namespace OrleansML.Learning.Tests.Data;

public class FashionMnistTests
{
    [Fact]
    public void Loads_sixty_and_ten_thousand_rows_with_sane_images_and_all_ten_classes()
    {
        FashionMnistData data = FashionMnist.Load();

        Assert.Equal((60_000, 784), (data.Train.RowCount, data.Train.ColumnCount));
        Assert.Equal((10_000, 784), (data.Test.RowCount, data.Test.ColumnCount));
        foreach (DenseDataset set in new[] { data.Train, data.Test })
        {
            int[] perClass = new int[10];
            foreach (float label in set.Labels)
            {
                Assert.Equal(MathF.Floor(label), label);
                perClass[(int)label]++;
            }

            // Fashion-MNIST is balanced: every class holds a tenth of each split.
            Assert.All(perClass, count => Assert.Equal(set.RowCount / 10, count));
        }

        ReadOnlySpan<float> first = data.Train.Row(0);
        float min = float.MaxValue, max = float.MinValue, sum = 0;
        foreach (float pixel in first)
        {
            (min, max, sum) = (MathF.Min(min, pixel), MathF.Max(max, pixel), sum + pixel);
        }

        Assert.Equal(0f, min);
        Assert.InRange(max, 0.5f, 1f);
        Assert.InRange(sum / first.Length, 0.05f, 0.9f);
        Assert.Equal(0f, first[0]); // the image border is background
    }

    [Fact]
    public void Unscaled_loading_keeps_byte_values()
    {
        FashionMnistData data = FashionMnist.Load(options: new IdxReaderOptions { ScaleToUnitRange = false });

        float max = 0;
        foreach (float pixel in data.Test.Features)
        {
            max = MathF.Max(max, pixel);
        }

        Assert.Equal(255f, max);
    }

    [Fact]
    public void Missing_files_say_how_to_install_the_data()
    {
        string directory = Directory.CreateTempSubdirectory("orleansml-empty").FullName;
        try
        {
            FileNotFoundException error = Assert.Throws<FileNotFoundException>(() => FashionMnist.Load(directory));

            Assert.Contains("apt-get install dataset-fashion-mnist", error.Message, StringComparison.Ordinal);
            Assert.Contains("train-images-idx3-ubyte", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory);
        }
    }
}
