# Placeholder for sam build only: the real handler lands from branch main and replaces this file.
raise NotImplementedError("the api handler lands from branch main")
