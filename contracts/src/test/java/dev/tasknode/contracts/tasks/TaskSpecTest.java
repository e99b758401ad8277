package dev.tasknode.contracts.tasks;

import dev.tasknode.contracts.ErrorCode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TaskSpecTest {

    @Test
    void prototypeParamSelectsScope() {
        assertEquals(Scope.ALL, TaskCatalog.parse("apply_migrations", Map.of()).scope());
        assertEquals(Scope.ALL, TaskCatalog.parse("apply_migrations", Map.of("param", "")).scope());
        assertEquals(Scope.SHARED, TaskCatalog.parse("apply_migrations", Map.of("param", "shared")).scope());
        assertEquals(new Scope.Project("123"), TaskCatalog.parse("apply_migrations", Map.of("param", "123")).scope());
        assertEquals(new Scope.Project("123"), TaskCatalog.parse("backup_database", Map.of("param", "p_123")).scope());
        assertEquals(new Scope.Project("123"), TaskCatalog.parse("backup_database", Map.of("param", "project_123")).scope());
        assertEquals(new Scope.Project("42"), TaskCatalog.parse("create_tables", Map.of("scope", 42)).scope());
    }

    @Test
    void typedParamsAndDefaults() {
        TaskParams p = TaskCatalog.parse("apply_migrations", Map.of("scope", "shared", "allow_destructive", "true"));
        assertEquals(Scope.SHARED, p.scope());
        assertTrue(p.flag("allow_destructive"));
        assertTrue(p.flag("backup"), "backup defaults to true");
        assertFalse(p.flag("dry_run"));
        assertEquals(Map.of("scope", "shared", "allow_destructive", true, "backup", true, "dry_run", false, "online", "auto"),
                p.toWire());
    }

    @Test
    void onlineModeIsOneOfThreeWordsAndABadOneIsRefusedSayingWhatIsAccepted() {
        assertEquals("always", TaskCatalog.parse("apply_migrations", Map.of("online", " ALWAYS ")).string("online"));
        assertEquals("never", TaskCatalog.parse("propose_migrations", Map.of("online", "never")).string("online"));
        ParamException e = assertThrows(ParamException.class,
                () -> TaskCatalog.parse("apply_migrations", Map.of("online", "sometimes")));
        assertTrue(e.getMessage().contains("online") && e.getMessage().contains("\"sometimes\"")
                && e.getMessage().contains("auto") && e.getMessage().contains("always or never"), e.getMessage());
        assertThrows(ParamException.class, () -> TaskCatalog.parse("apply_migrations", Map.of("online", true)));
    }

    @Test
    void targetClusterIsAClusterNameOrRefusedSayingWhatIsAccepted() {
        TaskParams p = TaskCatalog.parse("restore_database", Map.of("param", "20250520_123456:7", "target_cluster", " eu-2 "));
        assertEquals("eu-2", p.string("target_cluster"));
        assertEquals(null, TaskCatalog.parse("restore_database", Map.of("param", "20250520_123456:7")).string("target_cluster"));
        for (Object bad : new Object[] {"EU", "2nd", "eu 2", "", 7}) {
            ParamException e = assertThrows(ParamException.class, () -> TaskCatalog.parse("restore_database",
                    Map.of("param", "20250520_123456:7", "target_cluster", bad)), String.valueOf(bad));
            assertTrue(e.getMessage().contains("target_cluster") && e.getMessage().contains("lower-case letters"), e.getMessage());
        }
    }

    @Test
    void paramAndTypedFormMustAgree() {
        assertEquals(Scope.SHARED, TaskCatalog.parse("apply_migrations", Map.of("param", "shared", "scope", "shared")).scope());
        ParamException e = assertThrows(ParamException.class,
                () -> TaskCatalog.parse("apply_migrations", Map.of("param", "shared", "scope", "7")));
        assertTrue(e.getMessage().contains("contradicts"), e.getMessage());
    }

    @Test
    void unknownParameterNamesWhatIsAccepted() {
        ParamException e = assertThrows(ParamException.class,
                () -> TaskCatalog.parse("apply_migrations", Map.of("scop", "shared")));
        assertEquals("scop", e.param());
        assertTrue(e.getMessage().contains("allow_destructive"), e.getMessage());
        assertEquals(ErrorCode.INVALID_PARAMS, e.toError().code());
    }

    @ParameterizedTest
    @ValueSource(strings = {"../etc", "p_", "Shared x", "ABC", "1;drop table x", "project_", "all;", "/abs"})
    void badScopesAreRefusedWithTheAcceptedForms(String bad) {
        ParamException e = assertThrows(ParamException.class,
                () -> TaskCatalog.parse("backup_database", Map.of("param", bad)));
        assertTrue(e.getMessage().contains("accepted"), e.getMessage());
    }

    @Test
    void restoreSpecForms() {
        RestoreSpec s = TaskCatalog.parse("restore_database", Map.of("param", "20250520_123456")).restoreSpec();
        assertEquals("20250520_123456", s.backupId());
        assertEquals(Scope.ALL, s.target());
        assertEquals(Scope.SHARED, RestoreSpec.parse("20250520_123456:shared").target());
        assertEquals(new Scope.Project("123"), RestoreSpec.parse("20250520_123456:project_123").target());
        assertEquals(new Scope.Project("123"), RestoreSpec.parse("20250520_123456:p_123").target());
        assertEquals(new Scope.Project("123"), RestoreSpec.parse("20250520_123456:123").target());
        assertEquals(Scope.ALL, RestoreSpec.parse("20250520_123456:all").target());
        assertTrue(TaskCatalog.parse("restore_database", Map.of("param", "20250520_123456")).flag("safety_backup"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "2025052_123456", "20251320_123456", "20250230_123456", "20250520_126000",
            "20250520_123456:", "20250520_123456:../x", "../20250520_123456", "/tmp/20250520_123456",
            "20250520_123456:shared:x", "latest"})
    void badRestoreSpecsAreRefused(String bad) {
        ParamException e = assertThrows(ParamException.class,
                () -> TaskCatalog.parse("restore_database", Map.of("param", bad)));
        assertTrue(e.getMessage().contains("YYYYMMDD_HHMMSS"), e.getMessage());
    }

    @Test
    void integersAreRangeChecked() {
        assertEquals(5L, TaskCatalog.parse("sleep", Map.of()).number("seconds"));
        assertEquals(2L, TaskCatalog.parse("sleep", Map.of("param", "2")).number("seconds"));
        ParamException e = assertThrows(ParamException.class, () -> TaskCatalog.parse("sleep", Map.of("seconds", 99999)));
        assertTrue(e.getMessage().contains("0 to 3600"), e.getMessage());
        assertThrows(ParamException.class, () -> TaskCatalog.parse("sleep", Map.of("seconds", 1.5)));
    }

    @Test
    void taskWithoutParametersRefusesOne() {
        assertEquals(Map.of(), TaskCatalog.parse("list_backups", Map.of()).values());
        assertEquals(Map.of(), TaskCatalog.parse("list_backups", Map.of("param", "")).values());
        assertThrows(ParamException.class, () -> TaskCatalog.parse("list_backups", Map.of("param", "x")));
    }

    @Test
    void unknownTaskIsRefused() {
        ParamException e = assertThrows(ParamException.class, () -> TaskCatalog.parse("drop_everything", Map.of()));
        assertTrue(e.getMessage().contains("create_tables"), e.getMessage());
    }

    @Test
    void nullValuesMeanDefault() {
        Map<String, Object> raw = new HashMap<>();
        raw.put("scope", null);
        assertEquals(Scope.ALL, TaskCatalog.parse("propose_migrations", raw).scope());
    }
}
