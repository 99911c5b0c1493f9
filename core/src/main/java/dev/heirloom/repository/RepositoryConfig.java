package dev.heirloom.repository;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.time.Instant;

/**
 * The content of {@code heirloom.json}, which marks a repository and says how to read it.
 *
 * @param format     always {@value #FORMAT}
 * @param version    repository format version, {@value #VERSION}
 * @param id         random identity of this repository
 * @param created    when it was initialised
 * @param objectHash hash naming objects and trees, always {@code sha256}
 */
@JsonPropertyOrder({"format", "version", "id", "created", "objectHash"})
public record RepositoryConfig(String format, int version, String id, Instant created, String objectHash) {
    public static final String FORMAT = "heirloom-repository";
    public static final int VERSION = 1;
}
