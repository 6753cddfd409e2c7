namespace OrleansML.Grains.Hosting.Transport;

/// <summary>Which socket transport carries silo-to-silo and client-to-gateway connections.</summary>
public enum TransportKind
{
    /// <summary>
    /// OrleansML's <see cref="BulkSocketConnection"/>: receives into large pooled segments and sends each written
    /// segment whole (see <see cref="TransportSettings.SegmentSize"/>).
    /// </summary>
    Bulk,

    /// <summary>Orleans' own socket transport: 4 KiB receives into its slab memory pool.</summary>
    Orleans,
}
