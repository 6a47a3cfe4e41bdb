"""Every named route of the site, with the objects to fill its arguments."""

from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name"
    converters: tuple[str, ...]  # argument names


def all_routes() -> list[Route]:
    routes: list[Route] = []

    def walk(patterns: list[object], namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(
                    pattern.url_patterns,
                    f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace,
                )
            elif isinstance(pattern, URLPattern) and pattern.name:
                routes.append(
                    Route(f"{namespace}{pattern.name}", tuple(pattern.pattern.converters))
                )

    walk(get_resolver().url_patterns, "")
    return routes
