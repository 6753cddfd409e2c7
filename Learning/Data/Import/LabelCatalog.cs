namespace OrleansML.Learning.Data.Import;

/// <summary>
/// Collects the labels of the first pass and decides the task and the class mapping (docs/data.md states the
/// rules); in the second pass it maps each label to what is stored: a class id 0..K-1, or the value for regression.
/// Every label error is raised at the row that causes it.
/// </summary>
internal sealed class LabelCatalog
{
    /// <summary>The most classes inferred from integer labels; more distinct values make a regression task.</summary>
    public const int MaxInferredClasses = 100;

    private readonly Dictionary<string, RowLabel> _distinct = new(StringComparer.Ordinal);
    private readonly ModelTask? _task;
    private readonly int? _classCount;
    private readonly DatasetSchema? _training;
    private Dictionary<string, int>? _classIds;
    private bool _anyText;
    private bool _allIntegers = true;

    public LabelCatalog(ModelTask? task, int? classCount, DatasetSchema? training)
    {
        (_task, _classCount, _training) = (task ?? training?.Task, classCount, training);
        if (training is not null && training.Task != ModelTask.Regression)
        {
            _classIds = Index(training.ClassLabels);
        }
    }

    public ModelTask Task { get; private set; }

    public IReadOnlyList<string> ClassLabels { get; private set; } = [];

    /// <summary>Checks one label of the first pass against what is known so far.</summary>
    public void Observe(RowSource source)
    {
        RowLabel label = source.Label;
        if (label.IsNumber && !double.IsFinite(label.Number))
        {
            throw source.LabelError($"label '{label.Key}' is not finite");
        }

        if (_training is not null)
        {
            CheckAgainstTraining(source, label);
            return;
        }

        _anyText |= !label.IsNumber;
        _allIntegers &= label.IsNumber && label.Number == Math.Floor(label.Number);
        if (!label.IsNumber && _task == ModelTask.Regression)
        {
            throw source.LabelError($"label '{Excerpt.Of(label.Text)}' is not a number, and the task is regression");
        }

        if (_classCount is int k && _allIntegers && (label.Number < 0 || label.Number >= k))
        {
            throw source.LabelError($"label '{label.Key}' is not a class id in [0, {k}) (ClassCount is {k})");
        }

        if (_distinct.Count > MaxInferredClasses || !_distinct.TryAdd(label.Key, label))
        {
            if (_anyText && _distinct.Count > MaxInferredClasses)
            {
                throw source.LabelError($"label '{Excerpt.Of(label.Key)}': more than {MaxInferredClasses} distinct labels, and not all are numbers; a class label column holds at most {MaxInferredClasses} classes");
            }

            return;
        }

        if (_task == ModelTask.BinaryClassification && _distinct.Count > 2)
        {
            throw source.LabelError($"label '{Excerpt.Of(label.Key)}' is a third distinct value in a binary task (the others: {Excerpt.Of(string.Join(", ", _distinct.Keys.Where(key => key != label.Key)))})");
        }

        if (_task == ModelTask.MulticlassClassification && _classCount is null && _distinct.Count > MaxInferredClasses)
        {
            throw source.LabelError($"label '{Excerpt.Of(label.Key)}': more than {MaxInferredClasses} distinct labels; set ClassCount to use integer labels as class ids");
        }
    }

    /// <summary>Settles the task and the classes after the first pass.</summary>
    /// <exception cref="DataFormatException">The labels cannot make the requested (or any) task; names <paramref name="filePath"/>.</exception>
    public void Decide(string filePath)
    {
        if (_training is not null)
        {
            (Task, ClassLabels) = (_training.Task, _training.ClassLabels);
            return;
        }

        int distinct = _distinct.Count;
        Task = _task ?? (_classCount is int given ? (given == 2 ? ModelTask.BinaryClassification : ModelTask.MulticlassClassification)
            : _anyText || (_allIntegers && distinct is >= 2 and <= MaxInferredClasses)
                ? (distinct == 2 ? ModelTask.BinaryClassification : ModelTask.MulticlassClassification)
                : ModelTask.Regression);
        if (Task == ModelTask.Regression)
        {
            return;
        }

        if (_classCount is int k && _allIntegers)
        {
            ClassLabels = Enumerable.Range(0, k).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray();
        }
        else
        {
            IEnumerable<RowLabel> labels = _distinct.Values;
            ClassLabels = (_anyText ? labels.Select(l => l.Key).Order(StringComparer.Ordinal) : labels.OrderBy(l => l.Number).Select(l => l.Key)).ToArray();
            if (Task == ModelTask.BinaryClassification && ClassLabels.Count == 1 && !_anyText && ClassLabels[0] is "0" or "1")
            {
                ClassLabels = ["0", "1"];
            }
        }

        int needed = Task == ModelTask.BinaryClassification ? 2 : _classCount ?? ClassLabels.Count;
        if (ClassLabels.Count < 2 || ClassLabels.Count != needed)
        {
            throw new DataFormatException(filePath, 0, 0,
                $"the labels hold {ClassLabels.Count} distinct value(s) ({Excerpt.Of(string.Join(", ", ClassLabels))}) but a {Describe(Task)} task needs {needed}; set Task or ClassCount");
        }

        _classIds = Index(ClassLabels);
    }

    /// <summary>The value stored for the current row's label.</summary>
    public float Map(RowSource source)
    {
        RowLabel label = source.Label;
        if (Task == ModelTask.Regression)
        {
            return label.IsNumber ? (float)label.Number : throw source.LabelError($"label '{Excerpt.Of(label.Text)}' is not a number, and the task is regression");
        }

        return _classIds!.TryGetValue(label.Key, out int id) ? id
            : throw source.LabelError($"label '{Excerpt.Of(label.Key)}' was not seen in the first pass: the file changed during the import");
    }

    private void CheckAgainstTraining(RowSource source, RowLabel label)
    {
        if (_training!.Task == ModelTask.Regression)
        {
            if (!label.IsNumber)
            {
                throw source.LabelError($"label '{Excerpt.Of(label.Text)}' is not a number, and the training data's task is regression");
            }

            return;
        }

        if (!_classIds!.ContainsKey(label.Key))
        {
            throw source.LabelError($"label '{Excerpt.Of(label.Key)}' is not one of the {_training.ClassCount} classes of the training data ({Excerpt.Of(string.Join(", ", _training.ClassLabels))})");
        }
    }

    private static Dictionary<string, int> Index(IReadOnlyList<string> labels)
    {
        var ids = new Dictionary<string, int>(labels.Count, StringComparer.Ordinal);
        for (int k = 0; k < labels.Count; k++)
        {
            ids[labels[k]] = k;
        }

        return ids;
    }

    private static string Describe(ModelTask task) => task == ModelTask.BinaryClassification ? "binary" : "multiclass";
}
