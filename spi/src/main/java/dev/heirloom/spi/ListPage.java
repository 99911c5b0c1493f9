package dev.heirloom.spi;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** One page of a listing. Made with {@link #of}; immutable. */
public final class ListPage {
    private final List<ObjectInfo> objects;
    private final Optional<String> nextPageToken;

    private ListPage(List<ObjectInfo> objects, Optional<String> nextPageToken) {
        this.objects = List.copyOf(objects);
        this.nextPageToken = Objects.requireNonNull(nextPageToken, "nextPageToken");
    }

    /**
     * @param objects       the objects on this page
     * @param nextPageToken opaque token for the next page; empty on the last page
     */
    public static ListPage of(List<ObjectInfo> objects, Optional<String> nextPageToken) {
        return new ListPage(objects, nextPageToken);
    }

    /** The objects on this page. */
    public List<ObjectInfo> objects() {
        return objects;
    }

    /** Opaque token for the next page; empty on the last page. */
    public Optional<String> nextPageToken() {
        return nextPageToken;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ListPage p && objects.equals(p.objects) && nextPageToken.equals(p.nextPageToken);
    }

    @Override
    public int hashCode() {
        return Objects.hash(objects, nextPageToken);
    }

    @Override
    public String toString() {
        return "ListPage[objects=" + objects + ", nextPageToken=" + nextPageToken + "]";
    }
}
