using Npgsql;

namespace VoiceOfCustomer.Data;

/// <summary>
/// PostgreSQL refuses U+0000 in any text it is sent, to store or to compare ("invalid byte sequence for encoding UTF8:
/// 0x00"). Intake and the searches keep the character away from it; this recognises the refusal wherever else a typed
/// value carries one, so the caller can answer 400 rather than 500.
/// </summary>
public static class UnstorableText
{
    public static bool IsCause(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is PostgresException { SqlState: PostgresErrorCodes.CharacterNotInRepertoire })
                return true;
        }
        return false;
    }
}
