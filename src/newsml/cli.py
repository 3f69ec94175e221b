"""newsml: label news headlines by region and topic, summarise articles, digest front pages (offline).

A few verbs with consistent flags, data on stdout, messages on stderr.

Every expected failure (bad data, bad model, bad arguments) ends in one line on stderr and exit code 2.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import NoReturn, Sequence

from .io import DataError, OutputError, read_text
from .modelfile import ModelError

EXIT_USAGE = 2


def _add_model(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--model", metavar="DIR", help="model directory (default: the shipped model)")


def _add_priors(parser: argparse.ArgumentParser, adapt: bool = True) -> None:
    from .taxonomy import REGIONS

    parser.add_argument("--home", choices=list(REGIONS), metavar="REGION",
                        help="the feed's home region: headlines that name no place lean towards it "
                             f"({', '.join(REGIONS)})")
    if adapt:
        parser.add_argument("--adapt-priors", action="store_true",
                            help="estimate the feed's region and topic mix from its first 50,000 rows "
                                 "and label every row with it (the mix is printed on stderr)")


def _add_quiet(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress or summary on stderr")


class _Parser(argparse.ArgumentParser):
    """argparse with its usage errors as one line on stderr and exit code 2, like every other error."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def build_parser() -> argparse.ArgumentParser:
    from . import __version__

    parser = _Parser(prog="newsml", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"newsml {__version__}")
    verbs = parser.add_subparsers(dest="verb", metavar="VERB", required=True)

    train = verbs.add_parser("train", help="train a model on labelled headlines",
                             description="Train on CSV/TSV/JSONL files with headline (or title), region "
                                         "and topic columns; write the model and its card (.json).")
    train.add_argument("--data", action="append", metavar="FILE",
                       help="training file; repeatable (default: the bundled corpus seeds/headlines.csv)")
    train.add_argument("--out", metavar="DIR", default=None,
                       help="model directory to write (default: models/newsml)")
    train.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    train.add_argument("--cv", type=int, default=5, metavar="K",
                       help="cross-validation folds for the card's metrics; 0 skips (default 5)")
    _add_quiet(train)

    evaluate = verbs.add_parser("evaluate", help="score a model on a labelled file")
    evaluate.add_argument("file", help="CSV/TSV/JSONL with headline, region and topic")
    _add_model(evaluate)
    evaluate.add_argument("--plot", metavar="PNG", help="write confusion matrices (needs the 'plot' extra)")
    evaluate.add_argument("--format", choices=("text", "json"), default="text")
    _add_quiet(evaluate)

    label = verbs.add_parser("label", help="label headlines from a file or stdin",
                             description="Label .txt (one headline a line), .csv, .tsv or .jsonl, "
                                         "optionally .gz, or '-' for stdin. Every input row and column "
                                         "is kept, in order; rows that cannot be labelled get an error.")
    label.add_argument("file", help="input file or '-'")
    label.add_argument("-o", "--output", metavar="PATH", help="output file (default: stdout)")
    label.add_argument("--format", choices=("csv", "tsv", "jsonl"), help="output format (default: "
                                                                          "from -o's extension, else csv)")
    label.add_argument("--input-format", choices=("txt", "csv", "tsv", "jsonl"),
                       help="input format (default: from the extension; stdin is txt)")
    label.add_argument("--column", help="headline column (default: headline, title or text)")
    _add_model(label)
    label.add_argument("--top-k", type=int, default=0, metavar="K", help="also write the K best labels")
    label.add_argument("--threshold", type=float, metavar="P",
                       help="write 'uncertain' for a label scoring below P (the score is kept)")
    label.add_argument("--strict", action="store_true", help="stop at the first bad row (exit 2)")
    label.add_argument("--jobs", type=int, default=1, metavar="N",
                       help="worker processes (default 1; at most one per CPU)")
    label.add_argument("--chunk-size", type=int, default=20_000, metavar="N", help=argparse.SUPPRESS)
    label.add_argument("--prefix", default="", help="prefix for the added column names")
    _add_priors(label)
    _add_quiet(label)

    summarize = verbs.add_parser("summarize", help="extractive summary of an article",
                                 description="Print the article's most central sentences, in article order.")
    summarize.add_argument("file", help="article text file, or '-' for stdin")
    length = summarize.add_mutually_exclusive_group()
    length.add_argument("--sentences", type=int, metavar="N", help="sentences to keep (default 3)")
    length.add_argument("--ratio", type=float, metavar="R", help="share of sentences to keep, 0 < R <= 1")
    summarize.add_argument("--title", help="the article's title (helps choose sentences)")
    summarize.add_argument("--format", choices=("text", "json"), default="text")
    _add_quiet(summarize)

    digest = verbs.add_parser("digest", help="digest of a front page: lead summary, headlines by label",
                              description="A front page is the lead article's paragraphs, a gap of blank "
                                          "lines, then one headline a line (see seeds/front_page.txt).")
    digest.add_argument("file", help="front page text file, or '-' for stdin")
    _add_model(digest)
    digest.add_argument("--sentences", type=int, default=3, metavar="N", help="summary length (default 3)")
    digest.add_argument("--format", choices=("text", "markdown", "json"), default="text")
    _add_priors(digest, adapt=False)

    explain = verbs.add_parser("explain", help="why headlines get their labels",
                               description="For each headline and head: the label, the runner-up, and the "
                                           "words, word pairs, letters and gazetteer features that pushed "
                                           "most towards and against the label, with their exact shares "
                                           "of its decision value (they plus the bias sum to it).")
    explain.add_argument("headlines", nargs="+", metavar="HEADLINE", help="headlines, or '-' to read one a line "
                                                                         "from stdin")
    _add_model(explain)
    explain.add_argument("-k", type=int, default=5, metavar="K", help="features to show each way (default 5)")
    explain.add_argument("--format", choices=("text", "json"), default="text")
    _add_priors(explain, adapt=False)

    report = verbs.add_parser("report", help="picture a labelled file: counts, uncertainty, scores, mix over time",
                              description="For a file written by 'newsml label': a markdown table of region x "
                                          "topic counts on stdout, and with -o a PNG or one self-contained "
                                          "HTML file of the pictures (needs the 'plot' extra).")
    report.add_argument("file", help="a labelled CSV/TSV/JSONL file, or '-' for stdin")
    report.add_argument("-o", "--output", metavar="PATH", help="report.png or report.html")
    report.add_argument("--date-column", metavar="COL", help="a column of ISO dates: adds the mix over time")
    _add_quiet(report)

    convert = verbs.add_parser("convert", help="convert a newsml 0.1 pickle model to a model directory",
                               description="newsml 0.1 saved models as joblib pickles, which can run code "
                                           "when loaded. This unpickles OLD once, only with --trust, and "
                                           "writes it as a pickle-free model directory NEW.")
    convert.add_argument("old", help="the .joblib model file of newsml 0.1 (its .json card beside it)")
    convert.add_argument("new", help="the model directory to write")
    convert.add_argument("--trust", action="store_true",
                         help="required: you trust OLD, since unpickling it can run code")
    _add_quiet(convert)
    return parser


def _explain(args: argparse.Namespace) -> int:
    from .modelfile import load_model

    if args.k < 1:
        raise ValueError("-k must be at least 1")
    headlines = args.headlines
    if headlines == ["-"]:
        headlines = [line.strip() for line in read_text("-").splitlines() if line.strip()]
        if not headlines:
            raise DataError("<stdin>", None, "no headlines to explain")
    model = load_model(args.model)
    explanations = [model.explain(h, args.k, home=args.home) for h in headlines]
    if args.format == "json":
        print(json.dumps([e.to_dict() for e in explanations], indent=2, ensure_ascii=False))
    else:
        print("\n\n".join(map(str, explanations)))
    return 0


def _report(args: argparse.Namespace) -> int:
    from .report import make_report

    print(make_report(args.file, args.output, args.date_column))
    if args.output and not args.quiet:
        print(f"wrote {args.output}", file=sys.stderr)
    return 0


def _convert(args: argparse.Namespace) -> int:
    from .legacy import convert_legacy

    if not args.trust:
        raise ModelError(f"{args.old}: unpickling can run code; add --trust if you trust this file")
    model = convert_legacy(args.old, args.new)
    if not args.quiet:
        print(f"wrote {args.new} ({sum(len(h.classes) for h in model.heads.values())} labels)", file=sys.stderr)
    return 0


def _train(args: argparse.Namespace) -> int:
    from .modelfile import bundled_path
    from .training import train

    data = args.data or [str(bundled_path("headlines.csv"))]
    out = args.out or str(Path("models") / "newsml")
    if args.cv == 1 or args.cv < 0:
        raise DataError("--cv", None, "folds must be 0 (skip) or at least 2")
    model = train(data, out, seed=args.seed, folds=args.cv, show_progress=not args.quiet, quiet=args.quiet)
    cv = model.card.get("cross_validation")
    if cv and not args.quiet:
        for head in ("region", "topic"):
            print(f"{head:6}  accuracy {cv[head]['accuracy']:.3f}  macro-F1 {cv[head]['macro_f1']:.3f}  "
                  f"ECE {cv[head]['reliability']['ece']:.3f}   ({cv['folds']}-fold cross-validation)")
        no_place = cv["region"].get("no_place")
        if no_place and no_place["rows"]:
            print(f"region, headlines naming no place ({no_place['rows']}): accuracy {no_place['accuracy']:.3f}  "
                  f"ECE {no_place['reliability']['ece']:.3f}")
    if not args.quiet:
        print(f"wrote {out} ({model.card['training_data']['rows']} headlines)", file=sys.stderr)
    return 0


def _evaluate(args: argparse.Namespace) -> int:
    from .modelfile import load_model
    from .evaluate import evaluate, plot_confusions, text_report

    model = load_model(args.model)
    result = evaluate(model, args.file)
    if args.format == "json":
        print(json.dumps({k: v for k, v in result.items() if k != "confusion"}, indent=2))
    else:
        print(text_report(result))
    if args.plot:
        plot_confusions(result, args.plot)
        if not args.quiet:
            print(f"wrote {args.plot}", file=sys.stderr)
    return 0


def _label(args: argparse.Namespace) -> int:
    from .batch import label_file

    if args.jobs < 1:
        raise DataError(args.file, None, "--jobs must be at least 1")
    label_file(args.file, args.output, column=args.column, input_format=args.input_format,
               output_format_name=args.format, model=args.model, top_k=args.top_k,
               threshold=args.threshold, strict=args.strict, jobs=args.jobs,
               chunk_size=max(1, args.chunk_size), prefix=args.prefix, quiet=args.quiet, home=args.home,
               adapt_priors=args.adapt_priors)
    return 0


def _summarize(args: argparse.Namespace) -> int:
    from .frontpage import lead_article
    from .preprocess import is_blank
    from .summarizer import summarize

    text = read_text(args.file)
    if is_blank(text):
        raise DataError(args.file, None, "the text is empty (only blank lines); nothing to summarise")
    article = lead_article(text)
    if article is not None:  # a front page: its headlines are not part of the story
        text = article
        if not args.quiet:
            print(f"newsml summarize: {args.file} is a front page; summarising its lead article "
                  f"('newsml digest' labels the headlines too)", file=sys.stderr)
    sentences = args.sentences if args.sentences is not None or args.ratio is not None else 3
    summary = summarize(text, sentences=sentences, ratio=args.ratio, title=args.title)
    if args.format == "json":
        print(json.dumps({"sentences": summary}, indent=2, ensure_ascii=False))
    else:
        print("\n".join(summary))
    return 0


def _digest(args: argparse.Namespace) -> int:
    from .modelfile import load_model
    from .frontpage import make_digest, render

    if args.sentences < 1:
        raise DataError(args.file, None, "--sentences must be at least 1")
    text = read_text(args.file)
    print(render(make_digest(text, load_model(args.model), sentences=args.sentences, home=args.home), args.format), end="")
    return 0


VERBS = {"train": _train, "evaluate": _evaluate, "label": _label, "summarize": _summarize, "digest": _digest,
         "explain": _explain, "report": _report, "convert": _convert}


def main(argv: Sequence[str] | None = None) -> int:
    """Run one verb; return the exit code (0 fine, 2 bad input, 130 interrupted)."""
    args = build_parser().parse_args(argv)
    try:
        return VERBS[args.verb](args)
    except BrokenPipeError:  # e.g. piped into `head`: the reader has what it wanted
        _silence_stdout()
        return 0
    except (DataError, ModelError, OutputError) as exc:
        print(f"newsml {args.verb}: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except (ValueError, TypeError, OSError) as exc:
        where = "" if getattr(args, "file", None) in (None, "-") else f"{args.file}: "
        print(f"newsml {args.verb}: error: {where}{exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt as exc:
        from .io import Terminated

        print(f"newsml {args.verb}: interrupted; no output written", file=sys.stderr)
        return 143 if isinstance(exc, Terminated) else 130


def _silence_stdout() -> None:
    """Point stdout at /dev/null so that flushing it at exit cannot raise again."""
    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (OSError, ValueError):  # stdout is not a real file (tests capture it)
        pass


if __name__ == "__main__":
    sys.exit(main())
