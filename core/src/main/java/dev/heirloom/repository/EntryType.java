package dev.heirloom.repository;

import com.fasterxml.jackson.annotation.JsonValue;

/** Kind of a tree entry. */
public enum EntryType {
    /** A file, whose content is an object. */
    FILE("file"),
    /** A folder, whose contents are a tree. */
    DIR("dir");

    private final String json;

    EntryType(String json) {
        this.json = json;
    }

    /** The spelling in tree files. */
    @JsonValue
    public String json() {
        return json;
    }
}
