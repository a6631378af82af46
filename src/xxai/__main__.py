from xxai.cli import main

main()
