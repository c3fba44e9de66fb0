from vibewidget_cli.cli import main

main()
