package dev.heirloom.provider.local;

import dev.heirloom.spi.AuthenticationException;
import dev.heirloom.spi.InsufficientStorageException;
import dev.heirloom.spi.StorageException;
import dev.heirloom.spi.TargetUnavailableException;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** How a local file system's errors become the SPI's storage exceptions. */
final class LocalErrors {
    private LocalErrors() {
    }

    /**
     * A full disk or quota is {@link InsufficientStorageException}, a permission problem
     * {@link AuthenticationException}, a repository folder that vanished (an unmounted disk)
     * {@link TargetUnavailableException}; anything else a plain {@link StorageException}.
     */
    static StorageException classify(String what, IOException e, Path root) {
        String reason = e instanceof FileSystemException fse && fse.getReason() != null ? fse.getReason() : e.getMessage();
        String message = what + ": " + reason;
        if (reason != null && (reason.toLowerCase(Locale.ROOT).contains("no space left")
                || reason.toLowerCase(Locale.ROOT).contains("quota"))) {
            return new InsufficientStorageException(message, e);
        }
        if (e instanceof AccessDeniedException) {
            return new AuthenticationException(message + " (permission denied)", e);
        }
        if (!Files.isDirectory(root)) {
            return new TargetUnavailableException(message + " (the folder " + root + " is gone; is the disk mounted?)", e);
        }
        return new StorageException(message, e);
    }
}
