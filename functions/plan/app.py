# Placeholder for sam build only: the real handler lands from branch main and replaces this file.
raise NotImplementedError("the plan handler lands from branch main")
