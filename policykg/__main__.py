"""``python -m policykg``: the same command line as the ``policykg`` console script."""

from policykg.graph.cli import main

if __name__ == "__main__":
    main()
