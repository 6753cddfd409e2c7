using Spectre.Console;

namespace OrleansML.Cli;

/// <summary><c>cluster</c>: the silos with their status, and the activations per grain type on each.</summary>
internal static class ClusterCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("cluster", "Show the cluster's silos and the activations each hosts per grain type.");
        command.SetAction(async (parse, cancellationToken) =>
        {
            await using ClusterSession session = await context.ConnectAsync(parse, cancellationToken);
            context.Output.WriteLine(session.Description);
            Render(context, await session.Client.GetClusterAsync(cancellationToken));
            return ExitCodes.Success;
        });
        return command;
    }

    internal static void Render(CliContext context, ClusterOverview overview)
    {
        TableBorder border = context.Interactive ? TableBorder.Rounded : TableBorder.Ascii;
        var silos = new Table().Border(border).AddColumn("silo").AddColumn("name").AddColumn("status").AddColumn("gateway").AddColumn("started (UTC)").AddColumn("activations");
        foreach (SiloDetails silo in overview.Silos)
        {
            int activations = overview.Activations.Where(a => a.Silo == silo.Address).Sum(a => a.Count);
            silos.AddRow(Markup.Escape(silo.Address), Markup.Escape(silo.Name), Markup.Escape(silo.Status),
                silo.GatewayPort == 0 ? "-" : silo.GatewayPort.ToString(CultureInfo.InvariantCulture),
                silo.StartTime.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture), activations.ToString(CultureInfo.InvariantCulture));
        }

        context.Console.Write(silos);
        var grains = new Table().Border(border).AddColumn("grain type").AddColumn("silo").AddColumn("activations");
        foreach (GrainTypeActivations row in overview.Activations.OrderBy(a => a.GrainType, StringComparer.Ordinal).ThenBy(a => a.Silo, StringComparer.Ordinal))
        {
            grains.AddRow(Markup.Escape(row.GrainType), Markup.Escape(row.Silo), row.Count.ToString(CultureInfo.InvariantCulture));
        }

        context.Console.Write(grains);
    }
}
