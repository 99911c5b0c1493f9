package dev.heirloom.source;

import java.nio.file.Path;

/**
 * Something in the source that could not be backed up as it is; the run goes on without it.
 *
 * @param path   the file or folder
 * @param reason what went wrong, for people
 */
public record SourceProblem(Path path, String reason) {
}
