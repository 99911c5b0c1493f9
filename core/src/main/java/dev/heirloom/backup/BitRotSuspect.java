package dev.heirloom.backup;

/**
 * A source file whose content changed although its size and modification time did not: a sign
 * of silent corruption (bit rot) or of a tool that rewrote it and restored the time. The
 * snapshot keeps the last good version; the suspect content is stored beside it.
 *
 * @param path    path relative to the source root
 * @param good    SHA-256 of the last good version, which the snapshot restores
 * @param suspect SHA-256 of what the file holds now
 */
public record BitRotSuspect(String path, String good, String suspect) {
}
