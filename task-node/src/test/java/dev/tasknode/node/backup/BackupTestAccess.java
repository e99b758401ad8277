package dev.tasknode.node.backup;

import java.nio.file.Path;

/** For tests outside this package: BackupStore's recursive delete. */
public final class BackupTestAccess {
    private BackupTestAccess() {}

    public static void deleteTree(Path p) {
        BackupStore.deleteTree(p);
    }
}
