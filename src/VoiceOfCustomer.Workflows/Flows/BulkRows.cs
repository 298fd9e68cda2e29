using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace VoiceOfCustomer.Workflows.Flows;

/// <summary>
/// Inserts rows that nothing reads back in the same batch (a flow batch's history lines) in multi-row <c>INSERT</c>s: standard
/// SQL, the same text on SQLite, PostgreSQL and SQL Server. EF writes one statement per row, and a burst of flow events writes
/// several history lines per event. Values pass through each column's own converter (enums as text, instants as UTC), always as parameters.
/// </summary>
internal static class BulkRows
{
    /// <summary>SQL Server takes at most 2,100 parameters a statement.</summary>
    private const int MaxParameters = 2000;

    /// <summary>EF cannot type a bare null; a provider parameter holding DBNull can stand anywhere.</summary>
    private static System.Data.Common.DbParameter Null(DbContext db, int index)
    {
        using var command = db.Database.GetDbConnection().CreateCommand();
        var parameter = command.CreateParameter();
        parameter.ParameterName = "bulk_null_" + index.ToString(System.Globalization.CultureInfo.InvariantCulture);
        parameter.Value = DBNull.Value;
        return parameter;
    }

    public static async Task InsertAsync<T>(DbContext db, IReadOnlyCollection<T> rows, CancellationToken cancellationToken) where T : class
    {
        if (rows.Count == 0)
            return;
        var entity = db.Model.FindEntityType(typeof(T))!;
        var properties = entity.GetProperties()
            .Where(p => !(p.IsPrimaryKey() && p.ValueGenerated == ValueGenerated.OnAdd) && p.PropertyInfo is not null)
            .ToList();
        var columns = string.Join(", ", properties.Select(p => $"\"{p.GetColumnName()}\""));
        var perStatement = Math.Max(1, MaxParameters / properties.Count);
        foreach (var chunk in rows.Chunk(perStatement))
        {
            var values = new List<object>(chunk.Length * properties.Count);
            var tuples = new List<string>(chunk.Length);
            foreach (var row in chunk)
            {
                var first = values.Count;
                tuples.Add("(" + string.Join(", ", properties.Select((_, i) => "{" + (first + i) + "}")) + ")");
                foreach (var property in properties)
                {
                    var value = property.PropertyInfo!.GetValue(row);
                    var converter = property.GetTypeMapping().Converter;
                    if (value is not null && converter is not null)
                        value = converter.ConvertToProvider(value);
                    values.Add(value ?? Null(db, values.Count));
                }
            }
            // Only the model's own table and column names go into the text; every value is a parameter.
            var sql = $"INSERT INTO \"{entity.GetTableName()}\" ({columns}) VALUES {string.Join(", ", tuples)}";
            await db.Database.ExecuteSqlRawAsync(sql, values, cancellationToken);
        }
    }
}
