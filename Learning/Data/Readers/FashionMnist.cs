namespace OrleansML.Learning.Data.Readers;

/// <summary>Loads Fashion-MNIST (Xiao et al. 2017): 28 x 28 grey images in 10 classes, 60 000 for training, 10 000 for testing.</summary>
public static class FashionMnist
{
    /// <summary>Where the Debian package <c>dataset-fashion-mnist</c> installs the files.</summary>
    public const string DefaultDirectory = "/usr/share/datasets/fashion-mnist";

    /// <summary>Pixels per image (28 x 28), the column count of the datasets.</summary>
    public const int PixelCount = 784;

    /// <summary>Number of classes; labels are 0..9.</summary>
    public const int ClassCount = 10;

    /// <summary>
    /// Loads the training and test sets from <paramref name="directory"/>, which holds
    /// <c>{train,t10k}-{images-idx3,labels-idx1}-ubyte</c>, gzipped (<c>.gz</c>) or not.
    /// </summary>
    /// <exception cref="FileNotFoundException">A file is missing; the message says how to install the data.</exception>
    /// <exception cref="DataFormatException">A file is malformed or not Fashion-MNIST shaped.</exception>
    public static FashionMnistData Load(string directory = DefaultDirectory, IdxReaderOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        DenseDataset train = LoadPart(directory, "train", options);
        DenseDataset test = LoadPart(directory, "t10k", options);
        return new FashionMnistData(train, test);
    }

    private static DenseDataset LoadPart(string directory, string prefix, IdxReaderOptions? options)
    {
        string images = Locate(directory, $"{prefix}-images-idx3-ubyte");
        string labels = Locate(directory, $"{prefix}-labels-idx1-ubyte");
        DenseDataset dataset = IdxReader.ReadDataset(images, labels, options);
        if (dataset.ColumnCount != PixelCount)
        {
            throw new DataFormatException(images, 8, 0, $"at byte offset 8: images have {dataset.ColumnCount} pixels; Fashion-MNIST has {PixelCount}");
        }

        ReadOnlySpan<float> labelValues = dataset.Labels;
        for (int i = 0; i < labelValues.Length; i++)
        {
            if (labelValues[i] >= ClassCount)
            {
                throw new DataFormatException(labels, 8 + i, 0, $"at byte offset {8 + i}: label {labelValues[i]} is not a class in 0..{ClassCount - 1}");
            }
        }

        return dataset;
    }

    private static string Locate(string directory, string name)
    {
        string plain = Path.Combine(directory, name);
        string gzipped = plain + ".gz";
        if (File.Exists(gzipped))
        {
            return gzipped;
        }

        if (File.Exists(plain))
        {
            return plain;
        }

        throw new FileNotFoundException(
            $"Fashion-MNIST file '{gzipped}' (or '{plain}') not found. Install the data with 'apt-get install dataset-fashion-mnist' (it goes to {DefaultDirectory}) or pass the directory that holds it.",
            gzipped);
    }
}
