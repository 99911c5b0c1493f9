package dev.heirloom.repository;

import com.fasterxml.jackson.annotation.JsonValue;

/** Kind of a tree entry. */
public enum EntryType {
    FILE("file"),
    DIR("dir");

    private final String json;

    EntryType(String json) {
        this.json = json;
    }

    @JsonValue
    public String json() {
        return json;
    }
}
